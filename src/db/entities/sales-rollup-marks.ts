import type { TriggerDef } from '@mikro-orm/core';
import { statementTriggerFunction, statementTriggers, type Transitions } from './statement-triggers.ts';

/**
 * Every change to a seller's orders or lines marks its connection's UTC day for the
 * sales rollup rebuild (src/analytics/sales-rollup.ts), whoever writes it: one
 * statement trigger per table and event, over the statement's transition rows (COPY
 * included). Rows deleted with their connection mark nothing: the rollup rows go
 * with the connection.
 *
 * Declared on the entities so the schema comparison knows them; this module is the
 * one source of their SQL: the migrations that create or replace them call it.
 */
const ORDERS_OF = {
  unified_order: (rows: string) => `select o.connection_id, o.user_id, o.ordered_at from ${rows} o`,
  // one index probe per order the lines name (limit 1 keeps each a probe, not a join over every order)
  unified_order_item: (rows: string) =>
    `select o.connection_id, o.user_id, o.ordered_at
       from (select distinct order_id from ${rows}) n
       cross join lateral (select o.connection_id, o.user_id, o.ordered_at
                             from unified_order o where o.id = n.order_id limit 1) o`,
};

const mark = (table: keyof typeof ORDERS_OF, rows: string) => `
        insert into sales_rollup_mark as m (connection_id, utc_day, user_id)
        select distinct x.connection_id, (x.ordered_at at time zone 'UTC')::date, x.user_id
          from (${ORDERS_OF[table](rows)}) x
         where exists (select 1 from marketplace_connection c where c.id = x.connection_id)
        on conflict (connection_id, utc_day) do update set generation = m.generation + 1;`;

const TRANSITIONS: Transitions = {
  insert: 'new table as new_rows',
  update: 'old table as old_rows new table as new_rows',
  delete: 'old table as old_rows',
};

export type MarkedTable = keyof typeof ORDERS_OF;
export const MARKED_TABLES = Object.keys(ORDERS_OF) as MarkedTable[];

/** The trigger function's body (between its `$$`). */
export const salesRollupMarkFunctionBody = (table: MarkedTable) => `
        begin
          if TG_OP <> 'INSERT' then ${mark(table, 'old_rows')} end if;
          if TG_OP <> 'DELETE' then ${mark(table, 'new_rows')} end if;
          return null;
        end `;

/** The trigger function, created or brought up to date (a migration that changes the body runs this). */
export const salesRollupMarkFunction = (table: MarkedTable) =>
  statementTriggerFunction(table, 'mark_sales_rollup', salesRollupMarkFunctionBody(table));

export const salesRollupMarkTriggers = (table: MarkedTable): TriggerDef[] =>
  statementTriggers(table, 'mark_sales_rollup', TRANSITIONS, salesRollupMarkFunctionBody(table));

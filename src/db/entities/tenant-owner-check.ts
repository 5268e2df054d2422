import type { TriggerDef } from '@mikro-orm/core';
import { statementTriggerFunction, statementTriggers, type Transitions } from './statement-triggers.ts';

/**
 * A synced row's `user_id` must be its connection's owner, checked by the database
 * (the per-row `user_id` foreign keys were dropped for speed, see tenant-columns.ts):
 * one statement trigger per table and event, a single join of the statement's
 * transition rows (COPY and upserts included) with their connections, raising when
 * any row names another seller. A row whose connection is gone is left to that
 * connection's own foreign key (or its order's, for items).
 *
 * Declared on the entities so the schema comparison knows them; this module is the
 * one source of their SQL: the migrations that create or replace them call it.
 */
export const OWNER_CHECKED_TABLES = [
  'unified_order',
  'unified_order_item',
  'unified_product',
  'sync_quarantine',
  'sync_run',
] as const;
export type OwnerCheckedTable = (typeof OWNER_CHECKED_TABLES)[number];

const TRANSITIONS: Transitions = {
  insert: 'new table as new_rows',
  update: 'new table as new_rows',
};

/** The trigger function's body (between its `$$`). */
export const tenantOwnerCheckFunctionBody = () => `
        declare
          bad record;
        begin
          select r.user_id, r.connection_id, c.user_id as owner into bad
            from new_rows r join marketplace_connection c on c.id = r.connection_id
           where r.user_id <> c.user_id
           limit 1;
          if found then
            raise exception '% row for connection % names user %, not the connection''s owner %',
              TG_TABLE_NAME, bad.connection_id, bad.user_id, bad.owner
              using errcode = 'foreign_key_violation';
          end if;
          return null;
        end `;

/** The trigger function, created or brought up to date (a migration that changes the body runs this). */
export const tenantOwnerCheckFunction = (table: OwnerCheckedTable) =>
  statementTriggerFunction(table, 'check_owner', tenantOwnerCheckFunctionBody());

export const tenantOwnerCheckTriggers = (table: OwnerCheckedTable): TriggerDef[] =>
  statementTriggers(table, 'check_owner', TRANSITIONS, tenantOwnerCheckFunctionBody());

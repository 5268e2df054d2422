/**
 * Tenancy enforced by the database for everything that answers a seller: the analytics
 * and tool queries run as `shopiq_reader`, a role that may only SELECT the seller-data
 * tables (and the shared exchange rates), under row-level security that shows it the
 * rows of one seller: the one named by the transaction-local setting `shopiq.seller_id`.
 * A query that forgets its `user_id` predicate still reads only that seller's rows; with
 * no seller set it reads none; it can write nothing.
 *
 * The service's own role owns the tables and is not bound by these policies (not
 * FORCEd): syncs, rollup refreshes and housekeeping write as before, at no cost.
 *
 * This module is the one source of the role's SQL: the migration that creates it calls
 * `sellerReaderSetupSql`.
 */
import type { PolicyDef } from '@mikro-orm/core';
import type pg from 'pg';
import { inTransaction, type Queryable } from './pool.ts';

export const READER_ROLE = 'shopiq_reader';

/** The transaction-local setting naming the seller the reader may see. */
export const SELLER_SETTING = 'shopiq.seller_id';

/**
 * Tables holding sellers' rows, each with `user_id`: the reader sees its seller's only.
 * A table added here needs a migration calling `sellerTableSql` (and its entity the
 * `sellerReadPolicies`).
 */
export const SELLER_TABLES = [
  'unified_order',
  'unified_order_item',
  'unified_product',
  'sales_rollup',
  'product_rollup',
] as const;

const POLICY = 'seller_reads_own_rows';

/** The seller the current transaction's reader is bound to; null (no rows) when unset. */
const BOUND_SELLER = `nullif(current_setting('${SELLER_SETTING}', true), '')::uuid`;

/**
 * The reader's policy, declared on each seller table's entity (so the schema comparison
 * knows it) and created by the migration from this same definition.
 */
export const sellerReadPolicies = (): PolicyDef[] => [
  { name: POLICY, command: 'select', roles: [READER_ROLE], using: `user_id = ${BOUND_SELLER}` },
];

const MISSING_ROLE_HINT =
  `As a database superuser, run once: CREATE ROLE ${READER_ROLE} NOLOGIN; GRANT ${READER_ROLE} TO <ShopIQ's database user>; ` +
  "(or give ShopIQ's database user CREATEROLE), then start ShopIQ again";

/** Tables opened to the reader: seller tables (their seller's rows), shared ones (whole). */
export interface ReaderTables {
  seller: readonly string[];
  shared: readonly string[];
}

/**
 * Creates the role when missing, lets the service's role become it, and opens `tables`
 * to it (a migration passes the tables as they were when it was written).
 */
export function sellerReaderSetupSql(tables: ReaderTables): string[] {
  return [
    `do $$ begin
       if not exists (select 1 from pg_roles where rolname = '${READER_ROLE}') then
         create role ${READER_ROLE} nologin;
       end if;
     exception when insufficient_privilege then
       raise exception 'ShopIQ reads sellers'' data as the database role ${READER_ROLE}, which does not exist and which this database user may not create'
         using hint = '${MISSING_ROLE_HINT.replaceAll("'", "''")}';
     end $$`,
    `do $$ begin
       if not pg_has_role(current_user, '${READER_ROLE}', 'MEMBER') then
         execute format('grant ${READER_ROLE} to %I', current_user);
       end if;
     exception when insufficient_privilege then
       raise exception 'ShopIQ''s database user % may not become the role ${READER_ROLE}', current_user
         using hint = '${MISSING_ROLE_HINT.replaceAll("'", "''")}';
     end $$`,
    `do $$ begin execute format('grant usage on schema %I to ${READER_ROLE}', current_schema()); end $$`,
    ...tables.shared.map((table) => `grant select on "${table}" to ${READER_ROLE}`),
    ...tables.seller.flatMap(sellerTableSql),
  ];
}

/** Opens one seller table to the reader: its rows of the bound seller only. */
export function sellerTableSql(table: string): string[] {
  return [
    `grant select on "${table}" to ${READER_ROLE}`,
    `alter table "${table}" enable row level security`,
    ...sellerReadPolicies().map(
      (p) => `create policy ${p.name} on "${table}" for ${p.command} to ${p.roles?.join(', ')} using (${p.using})`,
    ),
  ];
}

/** Undoes `sellerReaderSetupSql` for `tables` in this database (the role stays: other databases may use it). */
export function sellerReaderTeardownSql(tables: ReaderTables): string[] {
  return [
    ...tables.seller.flatMap((table) => [
      `drop policy if exists ${POLICY} on "${table}"`,
      `alter table "${table}" disable row level security`,
    ]),
    ...[...tables.seller, ...tables.shared].map((table) => `revoke select on "${table}" from ${READER_ROLE}`),
  ];
}

/**
 * A connection inside `readAsSeller`: the only thing the analytics functions take, so
 * one cannot be handed the service's pool (which the policies do not bind).
 */
export type SellerDb = Queryable & { readonly __readsAsOneSeller: unique symbol };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in a read-only transaction as the reader bound to `userId`: it sees that
 * seller's rows only, whatever its SQL says. One round trip opens it (the id, checked
 * to be a uuid, is written into the statement so the three commands go together).
 */
export async function readAsSeller<T>(pool: pg.Pool, userId: string, work: (db: SellerDb) => Promise<T>): Promise<T> {
  if (!UUID.test(userId)) throw new Error('a seller id must be a uuid');
  const begin = `begin transaction read only; set local role ${READER_ROLE}; set local ${SELLER_SETTING} = '${userId}'`;
  return inTransaction(pool, (client) => work(oneAtATime(client)), { begin });
}

/** The client's queries run in turn: a tool may ask several at once (Promise.all) of its one connection. */
function oneAtATime(client: pg.PoolClient): SellerDb {
  let last: Promise<unknown> = Promise.resolve();
  const query = (...args: Parameters<pg.PoolClient['query']>) => {
    const run = last.then(() => (client.query as (...a: unknown[]) => Promise<unknown>)(...args));
    last = run.catch(() => {});
    return run;
  };
  return { query } as unknown as SellerDb;
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../src/db/database-url.ts';
import { salesRollupMarkFunctionBody, salesRollupMarkTriggers } from '../../src/db/entities/sales-rollup-marks.ts';
import {
  OWNER_CHECKED_TABLES,
  tenantOwnerCheckFunctionBody,
  tenantOwnerCheckTriggers,
} from '../../src/db/entities/tenant-owner-check.ts';
import { applyMigrations, pendingMigrations } from '../../src/db/migrate.ts';
import { type MikroORM, openOrm } from '../../src/db/orm.ts';
import { closePool } from '../../src/db/pool.ts';
import { READER_ROLE, readAsSeller } from '../../src/db/seller-reader.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { dropDatabase, query } from '../support/pg-admin.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('migrations', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    orm = await openOrm({ databaseUrl: db.url, log: createLogger({ logLevel: 'silent' }) });
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('build exactly the schema the entities describe', async () => {
    expect(await pendingMigrations(orm)).not.toHaveLength(0);
    const applied = await applyMigrations(orm);
    expect(applied[0]).toMatch(/_initial$/);
    expect(await pendingMigrations(orm)).toEqual([]);
    // No difference left between the entities and the migrated database.
    expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('create the rollup and owner-check triggers exactly as the entities declare them (one source for their SQL)', async () => {
    const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim();
    const functionBody = async (name: string) =>
      flat(
        (await query<{ src: string }>(db.url, `select prosrc as src from pg_proc where proname = '${name}'`))[0]?.src ??
          '',
      );
    const rollupTables = ['unified_order', 'unified_order_item'] as const;
    for (const table of rollupTables) {
      expect(await functionBody(`${table}_mark_sales_rollup`)).toBe(flat(salesRollupMarkFunctionBody(table)));
    }
    for (const table of OWNER_CHECKED_TABLES) {
      expect(await functionBody(`${table}_check_owner`)).toBe(flat(tenantOwnerCheckFunctionBody()));
      const triggers = await query<{ name: string; def: string }>(
        db.url,
        `select tgname as name, pg_get_triggerdef(t.oid) as def from pg_trigger t
          where tgrelid = '"${table}"'::regclass and not tgisinternal order by tgname`,
      );
      const declared = [
        ...((rollupTables as readonly string[]).includes(table)
          ? salesRollupMarkTriggers(table as (typeof rollupTables)[number])
          : []),
        ...tenantOwnerCheckTriggers(table),
      ];
      expect(triggers.map((t) => t.name)).toEqual(declared.map((t) => t.name).sort());
    }
  });

  it('use the default table names and numeric money columns', async () => {
    const tables = await query<{ table_name: string }>(
      db.url,
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'channel_identity',
      'chat_delivery_failure',
      'chat_feedback',
      'chat_media',
      'chat_message',
      'digest_delivery',
      'fx_rate',
      'link_attempt',
      'link_code',
      'marketplace_connection',
      'mikro_orm_migrations',
      'oauth_state',
      'processed_event',
      'product_rollup',
      'sales_rollup',
      'sales_rollup_mark',
      'sales_rollup_state',
      'seller_alert',
      'slack_installation',
      'sync_lease',
      'sync_quarantine',
      'sync_run',
      'token_budget',
      'unified_order',
      'unified_order_item',
      'unified_product',
      'user',
    ]);
    const money = await query<{ column_name: string; data_type: string }>(
      db.url,
      `select column_name, data_type from information_schema.columns
        where table_name = 'unified_order' and column_name in ('total_amount', 'total_amount_usd', 'refunded_amount')`,
    );
    expect(money.map((c) => c.data_type)).toEqual(['numeric', 'numeric', 'numeric']);
  });

  it('leave tables owned by other components (Agenda) alone', async () => {
    await orm.em.getConnection().execute('create table agenda_jobs (id serial primary key, name text)');
    expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('tell a database user that may not become the reader role what to do, then work once it may', async () => {
    const adminUrl = inject('pgAdminUrl');
    const suffix = randomBytes(4).toString('hex');
    const user = `shopiq_plain_${suffix}`;
    const database = `shopiq_plain_${suffix}`;
    // an ordinary user owning its database: no superuser, no CREATEROLE
    await query(adminUrl, `create role ${user} login password 'plain'`);
    await query(adminUrl, `create database ${database} owner ${user}`);
    const url = new URL(withDatabase(adminUrl, database));
    url.username = user;
    url.password = 'plain';
    let plain: MikroORM | undefined;
    try {
      plain = await openOrm({ databaseUrl: url.toString(), log: createLogger({ logLevel: 'silent' }) });
      const refused = await applyMigrations(plain).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AppError);
      expect(String((refused as Error).message)).toMatch(/may not become the role shopiq_reader/);
      expect(String((refused as Error).message)).toContain(
        `CREATE ROLE ${READER_ROLE} NOLOGIN; GRANT ${READER_ROLE} TO <ShopIQ's database user>`,
      );
      // nothing half-done: the migrations run in one transaction
      expect(await pendingMigrations(plain)).toContain('Migration20261202023900_seller_reader_rls');

      await query(adminUrl, `grant ${READER_ROLE} to ${user}`);
      await applyMigrations(plain);
      expect(await pendingMigrations(plain)).toEqual([]);
      // as this ordinary user, the reader still sees one seller's rows only
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
      try {
        const seller = await seedSeller(pool);
        const other = await seedSeller(pool);
        for (const s of [seller, other]) {
          await seedOrder(pool, s, {
            marketplace: 'amazon',
            id: '111-1',
            orderedAt: '2026-11-02T10:00:00Z',
            currency: 'USD',
            total: '5.00',
            usd: '5.00',
          });
        }
        const seen = await readAsSeller(pool, seller.userId, async (reader) =>
          (await reader.query<{ user_id: string }>('select user_id from unified_order')).rows.map((r) => r.user_id),
        );
        expect(seen).toEqual([seller.userId]);
      } finally {
        await closePool(pool);
      }
    } finally {
      await plain?.close(true);
      await dropDatabase(adminUrl, database);
      await query(adminUrl, `drop role if exists ${user}`);
    }
  });

  it('are a no-op when applied again', async () => {
    expect(await applyMigrations(orm)).toEqual([]);
  });
});

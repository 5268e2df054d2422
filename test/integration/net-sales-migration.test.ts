/**
 * The migration that made revenue mean net sales (issue 17, item 3) on a database that
 * already holds orders: their parts are unknown, so each connection holding them is set
 * to re-read its order history at its next sync, and until then the answers count those
 * orders apart instead of adding their old totals to revenue.
 */

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { salesReport } from '../../src/analytics/sales.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { type MikroORM, openOrm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { query } from '../support/pg-admin.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const BEFORE = 'Migration20261202015029_tenant_owner_check';

describe('the net sales migration on a database with orders synced before it', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: pg.Pool;
  const ids = { user: '', synced: '', empty: '' };

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    orm = await openOrm({ databaseUrl: db.url, log: createLogger({ logLevel: 'silent' }) });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await orm.migrator.up({ to: BEFORE });
    const [user] = await query<{ id: string }>(
      db.url,
      `insert into "user" (id, display_name, timezone, reporting_currency, created_at, updated_at)
       values (gen_random_uuid(), 'old seller', 'UTC', 'USD', now(), now()) returning id`,
    );
    ids.user = user?.id as string;
    const connection = async (marketplace: string, cursors: object) =>
      (
        await query<{ id: string }>(
          db.url,
          `insert into marketplace_connection (id, user_id, marketplace, external_account_id, status, cursors, created_at, updated_at)
           values (gen_random_uuid(), '${ids.user}', '${marketplace}', '${marketplace}-account', 'CONNECTED',
                   '${JSON.stringify(cursors)}'::jsonb, now(), now()) returning id`,
        )
      )[0]?.id as string;
    const position = { updatedAt: '2026-10-30T00:00:00.000Z' };
    ids.synced = await connection('amazon', { orders: position, products: position });
    // connected, read up to a point, and nothing sold: nothing to re-read
    ids.empty = await connection('shopify', { orders: position, products: position });
    // as the old code stored an Amazon order: its total the items' price only, no parts
    await query(
      db.url,
      `insert into unified_order (user_id, connection_id, marketplace, external_order_id, status, source_status, currency,
         total_amount, total_amount_usd, item_count, ordered_at, source_updated_at, synced_at, created_at, updated_at)
       values ('${ids.user}', '${ids.synced}', 'amazon', '111-1', 'SHIPPED', 'SHIPPED', 'USD', 39.99, 39.99, 1,
               '2026-10-10T10:00:00Z', '2026-10-11T10:00:00Z', now(), now(), now())`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await orm?.close(true);
    await db?.drop();
  });

  it('makes each connection holding orders re-read its order history at the next sync, and no other', async () => {
    // a rollup built before, summing the old totals
    await query(
      db.url,
      `insert into sales_rollup (user_id, connection_id, marketplace, day, fx_day, currency, status, orders, sales,
         sales_usd, orders_without_usd, sales_without_usd, refunds, refunds_usd, units, returned_units, returned_orders)
       values ('${ids.user}', '${ids.synced}', 'amazon', '2026-10-10', '2026-10-10', 'USD', 'SHIPPED', 1, 39.99, 39.99,
               0, 0, 0, 0, 1, 0, 0)`,
    );
    await query(
      db.url,
      `insert into sales_rollup_state (user_id, timezone, built_at) values ('${ids.user}', 'UTC', now())`,
    );
    await applyMigrations(orm);
    const rows = await query<{ id: string; cursors: Record<string, unknown> }>(
      db.url,
      'select id, cursors from marketplace_connection order by marketplace',
    );
    const cursors = new Map(rows.map((r) => [r.id, Object.keys(r.cursors).sort()]));
    expect(cursors.get(ids.synced)).toEqual(['products']);
    expect(cursors.get(ids.empty)).toEqual(['orders', 'products']);
    const [order] = await query<{ net_sales: string | null }>(db.url, 'select net_sales from unified_order');
    expect(order?.net_sales).toBeNull();
    // the rollup is derived data: rebuilt from the orders at the next refresh
    expect(await query(db.url, 'select 1 from sales_rollup')).toEqual([]);
    expect(await query(db.url, 'select 1 from sales_rollup_state')).toEqual([]);
  });

  it('until then, answers count those orders apart and add none of their old totals to revenue', async () => {
    const report = await readSellerData(pool, scope(), (db) =>
      salesReport(db, scope(), october(), { by: 'marketplace' }),
    );
    expect(report.total).toMatchObject({
      orders: 1,
      ordersWithoutNetSales: 1,
      revenue: '0.00',
      totalCollected: '0.00',
    });
  });

  const scope = () => ({ userId: ids.user, timezone: 'UTC', currency: 'USD' });
  const october = () =>
    resolvePeriod({ kind: 'month', month: 10, year: 2026 }, new Date('2026-11-15T00:00:00Z'), 'UTC');
});

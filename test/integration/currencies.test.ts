/**
 * RELIABILITY I3: currencies of every shape in one seller's figures. Yen have no minor
 * unit, dinars three, amounts go past what a float holds exactly, and a currency no
 * rate provider knows is flagged and left out of converted totals, never converted.
 * (Converting each order to USD exactly, and flagging the unknown code at sync, is
 * fx-rates.test.ts; this is what the seller is told.)
 */

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { salesReport } from '../../src/analytics/sales.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import { closePool } from '../../src/db/pool.ts';
import { type SeededSeller, seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('totals in any currency', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const asked = new Date('2026-11-05T06:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  async function lastMonthOf(currency: string, orders: { total: string; currency?: string; usd?: string | null }[]) {
    const seller: SeededSeller = await seedSeller(pool, { currency, name: currency.toLowerCase() });
    for (const [n, o] of orders.entries()) {
      await seedOrder(pool, seller, {
        marketplace: 'shopify',
        id: String(n + 1),
        orderedAt: `2026-10-${String(10 + n).padStart(2, '0')}T10:00:00Z`,
        currency: o.currency ?? currency,
        total: o.total,
        usd: o.usd === undefined ? o.total : o.usd,
      });
    }
    const scope = (await loadSellerScope(pool, seller.userId)) as SellerScope;
    return {
      seller,
      report: () =>
        readSellerData(pool, scope, (db) =>
          salesReport(db, scope, resolvePeriod({ kind: 'named', name: 'last_month' }, asked, scope.timezone)),
        ),
    };
  }

  it('I3: adds yen, dinars and amounts beyond a float’s precision exactly, each in its minor unit', async () => {
    const jpy = await lastMonthOf('JPY', [{ total: '1500' }, { total: '2999' }]);
    expect((await jpy.report()).total).toMatchObject({ orders: 2, revenue: '4499' });
    const kwd = await lastMonthOf('KWD', [{ total: '12.345' }, { total: '0.001' }, { total: '99999999999.999' }]);
    expect((await kwd.report()).total).toMatchObject({ orders: 3, revenue: '100000000012.345' });
    const usd = await lastMonthOf('USD', [{ total: '99999999999999.99' }, { total: '0.01' }, { total: '0.01' }]);
    expect((await usd.report()).total).toMatchObject({ orders: 3, revenue: '100000000000000.01' });
  });

  it('I3: flags an unknown currency code and leaves it out of the converted total, never converting it', async () => {
    const { seller, report } = await lastMonthOf('USD', [
      { total: '10.50' },
      { currency: 'XTS', total: '99999999999999.99', usd: null },
      { currency: 'XTS', total: '0.01', usd: null },
    ]);
    await pool.query(`update unified_order set fx_flag = 'UNKNOWN_CURRENCY' where user_id = $1 and currency = 'XTS'`, [
      seller.userId,
    ]);
    const figures = await report();
    expect(figures.total).toMatchObject({ orders: 3, revenue: '10.50' });
    expect(figures.unconverted).toEqual([{ currency: 'XTS', orders: 2, amount: '100000000000000.00' }]);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeriodSpec, resolvePeriod } from '../../src/analytics/period.ts';
import { salesReport } from '../../src/analytics/sales.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import { closePool } from '../../src/db/pool.ts';
import { type SeededSeller, seedOrder, seedSeller, seedUsdRate } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('sales figures of one seller', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let seller: SeededSeller;
  let scope: SellerScope;
  const asked = new Date('2026-11-05T06:00:00Z');
  const lastMonth: PeriodSpec = { kind: 'named', name: 'last_month' };
  const period = (spec: PeriodSpec) => resolvePeriod(spec, asked, scope.timezone);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    seller = await seedSeller(pool, { timezone: 'Asia/Kolkata', currency: 'INR', name: 'priya' });
    scope = (await loadSellerScope(pool, seller.userId)) as SellerScope;
    await seedUsdRate(pool, '2026-10-15', 'INR', '88.5');
    await seedUsdRate(pool, '2026-10-16', 'INR', '88.6'); // Friday: the rate of Saturday 17 Oct
    await seedUsdRate(pool, '2026-10-30', 'INR', '88.0');
    const orders = [
      // 01:30 on 1 November in Kolkata: November's, though October's in UTC
      {
        marketplace: 'shopify',
        id: '1',
        orderedAt: '2026-10-31T20:00:00Z',
        currency: 'USD',
        total: '100.00',
        usd: '100.00',
      },
      {
        marketplace: 'shopify',
        id: '2',
        orderedAt: '2026-10-15T10:00:00Z',
        currency: 'USD',
        total: '50.00',
        usd: '50.00',
        items: [{ sku: 'kurta-blue', quantity: 2, price: '25.00' }],
      },
      // a Saturday: converted at Friday's rate
      {
        marketplace: 'shopify',
        id: '3',
        orderedAt: '2026-10-17T10:00:00Z',
        currency: 'USD',
        total: '10.00',
        usd: '10.00',
      },
      {
        marketplace: 'flipkart',
        id: '1',
        orderedAt: '2026-10-20T05:00:00Z',
        currency: 'INR',
        total: '1760.00',
        usd: '20.0000',
        items: [{ sku: 'KURTA-BLUE', quantity: 3, price: '586.6667' }],
      },
      {
        marketplace: 'flipkart',
        id: '2',
        orderedAt: '2026-10-21T05:00:00Z',
        currency: 'INR',
        total: '880.00',
        usd: '10.0000',
        status: 'CANCELLED',
        items: [{ sku: 'kurta-red', quantity: 1, price: '880.00' }],
      },
      {
        marketplace: 'amazon',
        id: '1',
        orderedAt: '2026-10-22T05:00:00Z',
        currency: 'INR',
        total: '440.00',
        usd: '5.0000',
        status: 'RETURNED',
        hasReturn: true,
        refunded: '440.00',
        items: [{ sku: 'kurta-red', quantity: 1, price: '440.00', returned: 1 }],
      },
      // no rate was found for it: left out of revenue, and said so
      { marketplace: 'amazon', id: '2', orderedAt: '2026-10-23T05:00:00Z', currency: 'EUR', total: '30.00', usd: null },
    ] as const;
    for (const o of orders) await seedOrder(pool, seller, o);
    // another seller, same ids, same month: never counted
    const other = await seedSeller(pool, { timezone: 'Asia/Kolkata', currency: 'INR', name: 'other' });
    for (const o of orders) await seedOrder(pool, other, { ...o, total: '9999.00', usd: '9999.00' });
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('gives last month by marketplace in the seller’s currency, at each order date’s rate', async () => {
    const report = await readSellerData(pool, scope, (db) =>
      salesReport(db, scope, period(lastMonth), { by: 'marketplace' }),
    );
    expect(report.period.label).toBe('last month (1–31 Oct 2026)');
    expect(report.currency).toBe('INR');
    const rows = Object.fromEntries(report.rows.map((r) => [r.key, r]));
    // 50 × 88.5 + 10 × 88.6 (Friday's rate for a Saturday)
    expect(rows.shopify).toMatchObject({ orders: 2, revenue: '5311.00', units: 2, averageOrderValue: '2655.50' });
    expect(rows.flipkart).toMatchObject({
      orders: 2,
      cancelledOrders: 1,
      revenue: '1760.00',
      units: 3,
      cancellationRate: 0.5,
      returnRate: 0,
    });
    expect(rows.amazon).toMatchObject({
      orders: 2,
      returnedOrders: 1,
      revenue: '440.00',
      refunds: '440.00',
      netRevenue: '0.00',
      returnedUnits: 1,
      returnRate: 0.5,
    });
    expect(report.total).toMatchObject({ orders: 6, cancelledOrders: 1, revenue: '7511.00', units: 6 });
    expect(report.unconverted).toEqual([{ currency: 'EUR', orders: 1, amount: '30.00' }]);
    // Shopify sold in dollars only: its dollars are given beside the rupees
    expect(rows.shopify?.original).toEqual({ currency: 'USD', revenue: '60.00', totalCollected: '60.00' });
    // Flipkart sold in the reporting currency; Amazon in two currencies, one not converted
    expect(rows.flipkart?.original).toBeUndefined();
    expect(rows.amazon?.original).toBeUndefined();
    expect(report.total.original).toBeUndefined();
  });

  it('gives the same orders in USD from their stored USD amounts', async () => {
    const report = await readSellerData(pool, { ...scope, currency: 'USD' }, (db) =>
      salesReport(db, { ...scope, currency: 'USD' }, period(lastMonth), { by: 'marketplace' }),
    );
    expect(report.rows.map((r) => [r.key, r.revenue])).toEqual([
      ['amazon', '5.00'],
      ['flipkart', '20.00'],
      ['shopify', '60.00'],
    ]);
    expect(report.total.revenue).toBe('85.00');
    // the cancelled order's rupees are not sales
    expect(report.rows.map((r) => [r.key, r.original])).toEqual([
      ['amazon', undefined],
      ['flipkart', { currency: 'INR', revenue: '1760.00', totalCollected: '1760.00' }],
      ['shopify', undefined],
    ]);
  });

  it('counts days in the seller’s timezone and filters by marketplace', async () => {
    const november = await readSellerData(pool, scope, (db) =>
      salesReport(db, scope, period({ kind: 'named', name: 'this_month' }), {
        by: 'day',
        filters: { marketplaces: ['shopify'] },
      }),
    );
    // 100 USD on 1 Nov local, at the last rate before it (30 Oct)
    expect(november.rows).toEqual([expect.objectContaining({ key: '2026-11-01', orders: 1, revenue: '8800.00' })]);
    const flipkartOnly = await readSellerData(pool, scope, (db) =>
      salesReport(db, scope, period(lastMonth), { filters: { marketplaces: ['flipkart'] } }),
    );
    expect(flipkartOnly.rows).toEqual([]);
    expect(flipkartOnly.total).toMatchObject({ orders: 2, revenue: '1760.00' });
  });

  it('leaves amounts unconverted, and says which, when the reporting currency has no rate that day', async () => {
    const report = await readSellerData(pool, { ...scope, currency: 'GBP' }, (db) =>
      salesReport(db, { ...scope, currency: 'GBP' }, period(lastMonth)),
    );
    expect(report.total.revenue).toBe('0.00');
    expect(report.unconverted).toEqual([
      { currency: 'EUR', orders: 1, amount: '30.00' },
      { currency: 'INR', orders: 2, amount: '2200.00' },
      { currency: 'USD', orders: 2, amount: '60.00' },
    ]);
  });

  it('answers a period with no orders with zeros, not errors', async () => {
    const report = await readSellerData(pool, scope, (db) =>
      salesReport(db, scope, period({ kind: 'month', month: 3 }), { by: 'marketplace' }),
    );
    expect(report.rows).toEqual([]);
    expect(report.total).toMatchObject({ orders: 0, revenue: '0.00', averageOrderValue: null, returnRate: null });
  });
});

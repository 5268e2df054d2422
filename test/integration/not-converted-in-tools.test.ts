/**
 * Amounts with no exchange rate (fx flag RATE_MISSING, or no rate into the reporting
 * currency that week) are never counted as 0: every tool that gives revenue leaves them
 * out of it and lists them apart, per currency, as the sales summary does.
 */

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import { describeTop } from '../../src/conversation/format/tool-sentences.ts';
import { closePool } from '../../src/db/pool.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller, seedUsdRate } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { toolsFor } from '../support/tools.ts';

describe('amounts with no exchange rate, in every tool', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let seller: SeededSeller;
  const now = new Date('2026-11-05T06:00:00Z');
  const lastMonth = { kind: 'named', name: 'last_month' };

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    seller = await seedSeller(pool, { name: 'anita' });
    await seedUsdRate(pool, '2026-10-12', 'INR', '88.0');
    await seedOrder(pool, seller, {
      marketplace: 'shopify',
      id: '1',
      orderedAt: '2026-10-10T10:00:00Z',
      currency: 'USD',
      total: '100.00',
      usd: '100.00',
      items: [{ sku: 'LAMP', quantity: 1, price: '100.00', title: 'Brass lamp' }],
    });
    // no USD amount (RATE_MISSING): two products in one order
    await seedOrder(pool, seller, {
      marketplace: 'amazon',
      id: '2',
      orderedAt: '2026-10-11T10:00:00Z',
      currency: 'EUR',
      total: '30.00',
      usd: null,
      items: [
        { sku: 'LAMP', quantity: 1, price: '10.00', title: 'Brass lamp' },
        { sku: 'RUG', quantity: 1, price: '20.00', title: 'Jute rug' },
      ],
    });
    await seedOrder(pool, seller, {
      marketplace: 'flipkart',
      id: '3',
      orderedAt: '2026-10-12T10:00:00Z',
      currency: 'INR',
      total: '1760.00',
      usd: '20.00',
      items: [{ sku: 'RUG', quantity: 1, price: '1760.00', title: 'Jute rug' }],
    });
    for (const marketplace of ['shopify', 'amazon', 'flipkart'] as const) {
      for (const sku of ['LAMP', 'RUG'])
        await seedProduct(pool, seller, { marketplace, sku, title: sku, stock: 5, price: '1.00', currency: 'USD' });
    }
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  async function run(currency: string, name: string, input: unknown) {
    const scope: SellerScope = { userId: seller.userId, timezone: 'UTC', currency };
    const tools = toolsFor(pool, scope, now);
    const result = await tools.find((t) => t.name === name)?.run(input);
    if (!result?.ok) throw new Error(result?.content);
    return JSON.parse(result.content);
  }

  it('lists the order with no USD amount apart in the sales summary (the reference)', async () => {
    const summary = await run('USD', 'sales_summary', { period: lastMonth });
    expect(summary.total.revenue).toBe('120.00');
    expect(summary.not_converted_for_want_of_a_rate).toEqual([{ currency: 'EUR', orders: 1, amount: '30.00' }]);
  });

  it('lists it apart in product rankings, categories and side-by-side comparisons, not as 0', async () => {
    const expected = [{ currency: 'EUR', orders: 1, amount: '30.00' }];
    const top = await run('USD', 'top_products', { period: lastMonth, limit: 10 });
    expect(top.not_converted_for_want_of_a_rate).toEqual(expected);
    const amazonLamp = top.products.find((p: any) => p.sku === 'LAMP' && p.marketplace === 'amazon');
    expect(amazonLamp).toMatchObject({ revenue: '0.00', averageUnitPrice: null });
    expect(amazonLamp.notConverted).toEqual([{ currency: 'EUR', orders: 1, amount: '10.00' }]);
    // and the answer written without the model says so
    expect(describeTop(top)).toMatch(/Not in revenue: €30\.00 in 1 order not converted \(no exchange rate\)\.$/);
    const categories = await run('USD', 'top_products', { period: lastMonth, group_by: 'category' });
    expect(categories.not_converted_for_want_of_a_rate).toEqual(expected);
    const compared = await run('USD', 'compare_product_marketplaces', { period: lastMonth });
    expect(compared.not_converted_for_want_of_a_rate).toEqual(expected);
  });

  it('lists the one product’s amounts apart in its performance', async () => {
    const rug = await run('USD', 'product_performance', { product: 'RUG', period: lastMonth });
    expect(rug.not_converted_for_want_of_a_rate).toEqual([{ currency: 'EUR', orders: 1, amount: '20.00' }]);
    const amazon = rug.by_marketplace.find((m: any) => m.marketplace === 'amazon');
    expect(amazon.sales).toMatchObject({ units: 1, revenue: '0.00', average_unit_price: null });
  });

  it('lists it apart on each side of a period comparison', async () => {
    const compared = await run('USD', 'compare_periods', { period: lastMonth });
    expect(compared.period.not_converted_for_want_of_a_rate).toEqual([{ currency: 'EUR', orders: 1, amount: '30.00' }]);
    expect(compared.compared_with.not_converted_for_want_of_a_rate).toBeUndefined();
  });

  it('lists everything apart, the same in every tool, when the reporting currency has no rate at all', async () => {
    const summary = await run('GBP', 'sales_summary', { period: lastMonth });
    expect(summary.total.revenue).toBe('0.00');
    const all = summary.not_converted_for_want_of_a_rate;
    expect(all).toEqual([
      { currency: 'EUR', orders: 1, amount: '30.00' },
      { currency: 'INR', orders: 1, amount: '1760.00' },
      { currency: 'USD', orders: 1, amount: '100.00' },
    ]);
    expect((await run('GBP', 'top_products', { period: lastMonth })).not_converted_for_want_of_a_rate).toEqual(all);
    expect(
      (await run('GBP', 'compare_product_marketplaces', { period: lastMonth })).not_converted_for_want_of_a_rate,
    ).toEqual(all);
    expect(
      (await run('GBP', 'compare_periods', { period: lastMonth })).period.not_converted_for_want_of_a_rate,
    ).toEqual(all);
  });
});

/**
 * The analytics tools against the sandbox's ground truth, after a real sync of all three
 * marketplaces: the seed's questions answered with the sandbox's own numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import type { BoundTool } from '../../src/conversation/tools/index.ts';
import { addDecimal } from '../../src/currency/decimal.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { decimalText, useSyncHarness } from '../support/sync-harness.ts';
import { toolsFor } from '../support/tools.ts';

describe('the seed’s questions, answered with the sandbox truth’s numbers', () => {
  const harness = useSyncHarness();
  let h: Awaited<ReturnType<typeof harness>>;
  let sandbox: Sandbox;
  let base: string;
  let userId: string;
  let truth: any;
  const now = new Date('2026-11-15T12:00:00Z'); // the sandbox clock starts on 1 Nov 2026: last month is October
  const lastMonth = { kind: 'named', name: 'last_month' };

  async function tools(currency: string): Promise<Map<string, BoundTool>> {
    const scope: SellerScope = { userId, timezone: 'UTC', currency };
    const bound = toolsFor(h.pool, scope, now);
    return new Map(bound.map((t) => [t.name, t]));
  }
  async function run(currency: string, name: string, input: unknown): Promise<any> {
    const result = await ((await tools(currency)).get(name) as BoundTool).run(input);
    if (!result.ok) throw new Error(result.content);
    return JSON.parse(result.content);
  }
  /** Truth's net sales and total collected of last month's orders not cancelled, per marketplace, in the currency given. */
  function truthSales(marketplace: string, currency: string) {
    const rows = truth.orders.filter(
      (r: any) => r.marketplace === marketplace && r.month === '2026-10' && r.currency === currency,
    );
    return {
      orders: rows.reduce((n: number, r: any) => n + r.orders, 0),
      revenue: rows.filter((r: any) => !r.cancelled).reduce((sum: string, r: any) => addDecimal(sum, r.netSales), '0'),
      collected: rows
        .filter((r: any) => !r.cancelled)
        .reduce((sum: string, r: any) => addDecimal(sum, r.collected), '0'),
    };
  }

  beforeAll(async () => {
    h = await harness();
    ({ sandbox, base } = await startSandbox({ sellers: 1, ordersPerStore: 600 }));
    userId = await h.connect(base, '1');
    const synced = await h.sync(userId);
    expect(synced.connections.map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // which orders are cancelled comes from the sandbox's own rule, never from ShopIQ's mapping
    truth = await json(fetch(`${base}/_sandbox/truth`));
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  it('"What were my total sales last month?" in INR and in USD, each marketplace to the paisa and cent', async () => {
    const inr = await run('INR', 'sales_summary', { period: lastMonth, by: 'marketplace' });
    const usd = await run('USD', 'sales_summary', { period: lastMonth, by: 'marketplace' });
    const row = (report: any, m: string) => report.rows.find((r: any) => r.key === m);
    let checked = 0;
    for (const m of ['shopify', 'flipkart', 'amazon']) {
      for (const [report, currency] of [
        [inr, 'INR'],
        [usd, 'USD'],
      ] as const) {
        const expected = truthSales(m, currency);
        if (expected.orders === 0) continue; // this marketplace sells in the other currency
        checked++;
        expect(row(report, m).orders).toBe(expected.orders);
        expect(decimalText(row(report, m).revenue)).toBe(decimalText(expected.revenue));
        expect(decimalText(row(report, m).totalCollected)).toBe(decimalText(expected.collected));
      }
    }
    expect(checked).toBe(3);
    // cancelled orders were there to leave out, on every marketplace
    for (const m of ['shopify', 'flipkart', 'amazon'])
      expect(truth.orders.some((r: any) => r.marketplace === m && r.month === '2026-10' && r.cancelled)).toBe(true);
    // every order counted in both currencies, none left unconverted
    expect(inr.total.orders).toBe(usd.total.orders);
    expect(inr.not_converted_for_want_of_a_rate).toBeUndefined();
  });

  it('"Show me my return rate by marketplace": completed returns as the sandbox records them', async () => {
    const all = { kind: 'range', from: '2024-01-01', to: '2026-11-15' };
    const rates = await run('USD', 'return_rate', { period: all });
    for (const r of truth.returns) {
      const row = rates.rows.find((x: any) => x.marketplace === r.marketplace);
      expect(row.returned_orders).toBe(r.returnedOrders);
      expect(row.returned_units).toBe(r.returnedUnits);
    }
  });

  it('"Which product sells best on Flipkart vs Shopify?" and "Should I list it on Amazon?"', async () => {
    const compared = await run('USD', 'compare_product_marketplaces', {
      period: lastMonth,
      marketplaces: ['flipkart', 'shopify'],
      rank_by: 'units',
      limit: 3,
    });
    expect(compared.products.length).toBeGreaterThan(0);
    const best = compared.products[0];
    const { rows } = await h.pool.query(
      `select i.marketplace, sum(i.quantity)::int as units
         from unified_order_item i join unified_order o on o.id = i.order_id
        where o.user_id = $1 and i.normalized_sku = $2 and o.status <> 'CANCELLED' and not i.is_cancelled
          and o.ordered_at >= '2026-10-01' and o.ordered_at < '2026-11-01' and i.marketplace in ('flipkart', 'shopify')
        group by 1`,
      [userId, best.sku],
    );
    expect(best.units).toBe(rows.reduce((n, r) => n + r.units, 0));
    const perf = await run('USD', 'product_performance', { product: best.sku });
    expect(perf.product.sku).toBe(best.sku);
    expect(perf.by_marketplace.map((m: any) => m.marketplace)).toEqual(['shopify', 'flipkart', 'amazon']);
  });
});

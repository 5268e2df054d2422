/**
 * Issue 17, item 3 ("Revenue means three things"): after a real sync of Shopify, Flipkart
 * and Amazon from the sandbox, whose orders carry discounts, shipping and tax in each
 * API's own fields, every marketplace's revenue is its net sales and its total collected
 * what the buyers paid, both equal to the sandbox truth's, so comparing marketplaces
 * compares the same thing. Orders stored the old way (no parts) are never mixed in
 * silently, and the repair path (a full re-read) makes the answers equal the truth again.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeriodSpec, resolvePeriod } from '../../src/analytics/period.ts';
import { productSales } from '../../src/analytics/products.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import { formatCount } from '../../src/conversation/format/money-format.ts';
import { describeSales } from '../../src/conversation/format/tool-sentences.ts';
import type { BoundTool } from '../../src/conversation/tools/index.ts';
import { addDecimal } from '../../src/currency/decimal.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { orderMoney } from '../../src/sandbox/world/order-money.ts';
import { rereadOrdersWithoutNetSales } from '../../src/sync/net-sales-backfill.ts';
import { normalizeSku } from '../../src/sync/normalize-sku.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { decimalText, expectMatchesTruth, useSyncHarness } from '../support/sync-harness.ts';
import { toolsFor } from '../support/tools.ts';

const MARKETPLACES = ['shopify', 'flipkart', 'amazon'] as const;
const text = (amount: string | undefined) => (amount === undefined ? amount : decimalText(amount));

describe('revenue is net sales on every marketplace, with the total collected beside it', () => {
  const harness = useSyncHarness();
  let h: Awaited<ReturnType<typeof harness>>;
  let sandbox: Sandbox;
  let base: string;
  let userId: string;
  let truth: any;
  const now = new Date('2026-11-15T12:00:00Z');
  const everything = { kind: 'range', from: '2024-01-01', to: '2026-11-14' };

  async function salesByMarketplace(currency: string): Promise<any> {
    const scope: SellerScope = { userId, timezone: 'UTC', currency };
    const bound = toolsFor(h.pool, scope, now);
    const tool = bound.find((t) => t.name === 'sales_summary') as BoundTool;
    const result = await tool.run({ period: everything, by: 'marketplace' });
    if (!result.ok) throw new Error(result.content);
    return JSON.parse(result.content);
  }

  /** Each marketplace's figures against the truth's, orders not cancelled, in the currency it sells in. */
  async function expectEachMarketplaceEqualsTruth() {
    const reports = { USD: await salesByMarketplace('USD'), INR: await salesByMarketplace('INR') };
    for (const m of MARKETPLACES) {
      const rows = truth.orders.filter((r: any) => r.marketplace === m);
      const currency = rows[0].currency as 'USD' | 'INR';
      const kept = rows.filter((r: any) => !r.cancelled);
      const sum = (f: (r: any) => string) => kept.reduce((s: string, r: any) => addDecimal(s, f(r)), '0');
      const row = reports[currency].rows.find((r: any) => r.key === m);
      expect({ marketplace: m, revenue: text(row.revenue), collected: text(row.totalCollected) }).toEqual({
        marketplace: m,
        revenue: decimalText(sum((r) => r.netSales)),
        collected: decimalText(sum((r) => r.collected)),
      });
      expect(row.ordersWithoutNetSales).toBeUndefined();
    }
  }

  beforeAll(async () => {
    h = await harness();
    ({ sandbox, base } = await startSandbox({ sellers: 1, ordersPerStore: 400 }));
    userId = await h.connect(base, '1');
    const synced = await h.sync(userId);
    expect(synced.connections.map((c) => [c.status, c.error ?? null])).toEqual([
      ['succeeded', null],
      ['succeeded', null],
      ['succeeded', null],
    ]);
    truth = await json(fetch(`${base}/_sandbox/truth`));
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  it('each marketplace’s revenue equals the truth’s net sales, and its total collected what buyers paid', async () => {
    // the sandbox's orders do carry shipping and tax: the two figures differ on every marketplace
    for (const m of MARKETPLACES) {
      const rows = truth.orders.filter((r: any) => r.marketplace === m && !r.cancelled);
      expect(rows.some((r: any) => r.netSales !== r.collected)).toBe(true);
    }
    await expectEachMarketplaceEqualsTruth();
    for (const m of MARKETPLACES) await expectMatchesTruth(h.pool, userId, base, m);
  });

  it('each product’s revenue is its lines’ sales after all their discounts (discount codes included)', async () => {
    const period = resolvePeriod(everything as PeriodSpec, now, 'UTC');
    for (const m of MARKETPLACES) {
      const lines = truth.skus.filter((r: any) => r.seller === 1 && r.marketplace === m);
      const currency = lines[0].currency;
      const sales = await readSellerData(h.pool, { userId, timezone: 'UTC', currency }, (db) =>
        productSales(db, { userId, timezone: 'UTC', currency }, period, { marketplaces: [m] }),
      );
      // per product (one normalized SKU), and over all of them
      const expected = new Map<string, string>();
      for (const r of lines) {
        const sku = normalizeSku(r.sku) ?? '';
        expected.set(sku, addDecimal(expected.get(sku) ?? '0', r.revenue));
      }
      const stored = new Map(sales.rows.map((r) => [r.sku, decimalText(r.revenue)]));
      for (const [sku, revenue] of expected)
        if (sku) expect([m, sku, stored.get(sku)]).toEqual([m, sku, decimalText(revenue)]);
      const total = sales.rows.reduce((sum, r) => addDecimal(sum, r.revenue), '0');
      expect(decimalText(total)).toBe(decimalText([...expected.values()].reduce(addDecimal, '0')));
    }
    // the sandbox's Shopify orders do use discount codes, which a line's discountedTotalSet leaves out
    const { world } = sandbox.context;
    const shop = world.stores.find((st) => st.key === 's1-shopify') as (typeof world.stores)[number];
    expect([...world.orders(shop.key).all()].some((o) => orderMoney(o, shop).code !== null)).toBe(true);
  });

  it('orders stored before net sales were kept are counted apart, never mixed in; the re-read repairs them', async () => {
    // as the old code stored them: no parts, and Amazon's total the items' prices only
    await h.pool.query(
      `update unified_order o set net_sales = null, net_sales_usd = null, item_sales = null, discount_amount = null,
              shipping_amount = null, tax_amount = null,
              total_amount = case when o.marketplace = 'amazon'
                                  then (select sum(i.total_price) from unified_order_item i where i.order_id = o.id)
                                  else o.total_amount end
        where o.user_id = $1`,
      [userId],
    );
    await h.pool.query(
      `update unified_order_item set net_sales = null, discount_amount = null, tax_amount = null where user_id = $1`,
      [userId],
    );
    const before = await salesByMarketplace('USD');
    for (const m of MARKETPLACES) {
      const row = before.rows.find((r: any) => r.key === m);
      const rows = truth.orders.filter((r: any) => r.marketplace === m);
      const count = (list: any[]) => list.reduce((n: number, r: any) => n + r.orders, 0);
      expect(row.orders).toBe(count(rows));
      // none of the old totals counted as revenue or as collected: every sale waits for the re-read
      expect(row.ordersWithoutNetSales).toBe(count(rows.filter((r: any) => !r.cancelled)));
      expect(decimalText(row.revenue)).toBe('0');
      expect(decimalText(row.totalCollected)).toBe('0');
    }
    // and the answer says so, in limited mode too
    const waiting = before.total.ordersWithoutNetSales;
    expect(before.orders_waiting_for_a_reread).toMatchObject({ orders: waiting });
    expect(describeSales(before)).toContain(
      `${formatCount(waiting, 'USD')} orders synced before ShopIQ kept net sales are read again at the next sync`,
    );

    // products likewise: units still count, revenue waits, no average price made of half the figures
    const period = resolvePeriod(everything as PeriodSpec, now, 'UTC');
    const products = await readSellerData(h.pool, { userId, timezone: 'UTC', currency: 'USD' }, (db) =>
      productSales(db, { userId, timezone: 'UTC', currency: 'USD' }, period, {
        marketplaces: ['shopify'],
      }),
    );
    expect(products.ordersWithoutNetSales).toBeGreaterThan(0);
    expect(products.rows.every((r) => decimalText(r.revenue) === '0' && r.averageUnitPrice === null)).toBe(true);
    expect(products.rows.reduce((n, r) => n + r.units, 0)).toBeGreaterThan(0);

    expect(await rereadOrdersWithoutNetSales(h.pool)).toBe(3);
    const resynced = await h.sync(userId);
    expect(resynced.connections.map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    await expectEachMarketplaceEqualsTruth();
    const { rows } = await h.pool.query(
      `select (select count(*) from unified_order where user_id = $1 and net_sales is null)::int as orders,
              (select count(*) from unified_order_item where user_id = $1 and net_sales is null)::int as lines`,
      [userId],
    );
    expect(rows[0]).toEqual({ orders: 0, lines: 0 });
  });
});

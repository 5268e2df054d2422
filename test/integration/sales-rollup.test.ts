import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Period, resolvePeriod } from '../../src/analytics/period.ts';
import { productSales } from '../../src/analytics/products.ts';
import { salesReport } from '../../src/analytics/sales.ts';
import { refreshSalesRollup } from '../../src/analytics/sales-rollup.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import { MARKETPLACES, type Marketplace, type OrderStatus } from '../../src/db/enums.ts';
import { closePool } from '../../src/db/pool.ts';
import { type SeededSeller, seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * The daily rollup answers exactly what the orders say, after writes of every kind,
 * whoever makes them: checked against figures computed here from the order tables.
 */
describe('the daily sales rollup', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let seller: SeededSeller;
  const asked = new Date('2026-11-20T12:00:00Z');
  const scope = () => loadSellerScope(pool, seller.userId) as Promise<SellerScope>;
  // the 30 days around New York's DST change (1 November)
  const period = (s: SellerScope): Period => resolvePeriod({ kind: 'last_days', days: 30 }, asked, s.timezone);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    seller = await seedSeller(pool, { timezone: 'America/New_York', currency: 'USD', name: 'rollup' });
    const statuses: OrderStatus[] = ['DELIVERED', 'SHIPPED', 'CANCELLED', 'RETURNED', 'DELIVERED', 'PENDING'];
    for (let n = 0; n < 120; n++) {
      const total = (10 + ((n * 37) % 200) + 0.25).toFixed(2);
      await seedOrder(pool, seller, {
        marketplace: MARKETPLACES[n % 3] as Marketplace,
        id: `o${n}`,
        // every 5 h 47 min from 20 October: all hours of the day, across the DST change
        orderedAt: new Date(Date.parse('2026-10-20T00:00:00Z') + n * 347 * 60_000).toISOString(),
        currency: 'USD',
        total,
        usd: total,
        status: statuses[n % statuses.length],
        refunded: n % 7 === 0 ? '5.00' : undefined,
        items: [
          { sku: `sku-${n % 4}`, quantity: 1 + (n % 3), price: '1.00', returned: n % 11 === 0 ? 1 : 0 },
          { sku: 'sku-x', quantity: 1, price: '1.00' },
          // some orders list a product on two lines: one order of it, all its units
          ...(n % 10 === 0 ? [{ sku: 'sku-x', quantity: 2, price: '1.50' }] : []),
        ],
      });
    }
  });
  afterAll(async () => {
    if (pool) await closePool(pool);
    await db?.drop();
  });

  /** The same figures straight from the order tables, per marketplace or per local day. */
  async function fromOrders(s: SellerScope, by: 'marketplace' | 'day') {
    const p = period(s);
    const { rows } = await pool.query<{
      k: string;
      orders: number;
      cancelled: number;
      returned: number;
      units: number;
      returned_units: number;
      revenue: string;
      collected: string;
      refunds: string;
    }>(
      `with o as (
         select o.*, (select coalesce(sum(quantity) filter (where not is_cancelled), 0) from unified_order_item i
                        where i.order_id = o.id) as units,
                     (select coalesce(sum(returned_quantity), 0) from unified_order_item i where i.order_id = o.id)
                        as returned_units,
                     exists (select 1 from unified_order_item i where i.order_id = o.id and i.returned_quantity > 0)
                        as any_returned
           from unified_order o
          where o.user_id = $1 and (o.ordered_at at time zone $2)::date >= $3::date
            and (o.ordered_at at time zone $2)::date < $4::date)
       select case when $5 = 'day' then to_char(o.ordered_at at time zone $2, 'YYYY-MM-DD') else o.marketplace end as k,
              count(*)::int as orders, count(*) filter (where status = 'CANCELLED')::int as cancelled,
              count(*) filter (where status <> 'CANCELLED' and (status = 'RETURNED' or any_returned))::int as returned,
              coalesce(sum(units) filter (where status <> 'CANCELLED'), 0)::int as units,
              sum(returned_units)::int as returned_units,
              coalesce(sum(net_sales) filter (where status <> 'CANCELLED'), 0)::numeric(20,2)::text as revenue,
              coalesce(sum(total_amount) filter (where status <> 'CANCELLED'), 0)::numeric(20,2)::text as collected,
              coalesce(sum(refunded_amount), 0)::numeric(20,2)::text as refunds
         from o group by 1 order by 1`,
      [s.userId, s.timezone, p.start, p.end, by],
    );
    return rows.map((r) => ({
      key: r.k,
      orders: r.orders,
      cancelledOrders: r.cancelled,
      returnedOrders: r.returned,
      units: r.units,
      returnedUnits: r.returned_units,
      revenue: r.revenue,
      totalCollected: r.collected,
      refunds: r.refunds,
    }));
  }

  async function fromRollup(s: SellerScope, by: 'marketplace' | 'day') {
    const report = await readSellerData(pool, s, (db) => salesReport(db, s, period(s), { by }));
    return report.rows.map((r) => ({
      key: r.key,
      orders: r.orders,
      cancelledOrders: r.cancelledOrders,
      returnedOrders: r.returnedOrders,
      units: r.units,
      returnedUnits: r.returnedUnits,
      revenue: r.revenue,
      totalCollected: r.totalCollected,
      refunds: r.refunds,
    }));
  }

  /** Product figures straight from the lines (not cancelled, of orders not cancelled), per SKU and marketplace. */
  async function productsFromLines(s: SellerScope) {
    const p = period(s);
    const { rows } = await pool.query(
      `select i.normalized_sku as sku, i.marketplace, count(distinct o.id)::int as orders, sum(i.quantity)::int as units,
              sum(i.returned_quantity)::int as "returnedUnits", sum(i.net_sales)::numeric(20,2)::text as revenue
         from unified_order_item i join unified_order o on o.id = i.order_id
        where o.user_id = $1 and o.status <> 'CANCELLED' and not i.is_cancelled
          and (o.ordered_at at time zone $2)::date >= $3::date and (o.ordered_at at time zone $2)::date < $4::date
        group by 1, 2 order by 1, 2`,
      [s.userId, s.timezone, p.start, p.end],
    );
    return rows;
  }

  async function productsFromRollup(s: SellerScope) {
    const { rows } = await readSellerData(pool, s, (db) => productSales(db, s, period(s)));
    return rows
      .map((r) => ({
        sku: r.sku,
        marketplace: r.marketplace,
        orders: r.orders,
        units: r.units,
        returnedUnits: r.returnedUnits,
        revenue: r.revenue,
      }))
      .sort((a, b) => (a.sku === b.sku ? a.marketplace.localeCompare(b.marketplace) : a.sku.localeCompare(b.sku)));
  }

  const marks = async () =>
    (await pool.query('select count(*)::int as n from sales_rollup_mark where user_id = $1', [seller.userId])).rows[0]
      ?.n;

  it('is built on first use and then equals the orders, by marketplace and by local day', async () => {
    const s = await scope();
    expect(await refreshSalesRollup(pool, s)).toEqual({ rebuilt: 'all', days: 0 });
    expect(await marks()).toBe(0);
    expect(await fromRollup(s, 'marketplace')).toEqual(await fromOrders(s, 'marketplace'));
    expect(await fromRollup(s, 'day')).toEqual(await fromOrders(s, 'day'));
    expect((await fromRollup(s, 'day')).length).toBeGreaterThan(25);
    // the product rollup is built with it, and equals the lines
    expect(await productsFromRollup(s)).toEqual(await productsFromLines(s));
    expect((await productsFromLines(s)).length).toBeGreaterThan(10);
    expect(await refreshSalesRollup(pool, s)).toEqual({ rebuilt: 'none', days: 0 });
  });

  it('follows inserts, updates and deletes of orders and lines, rebuilding only the days they touch, products too', async () => {
    const s = await scope();
    await refreshSalesRollup(pool, s);
    await pool.query(
      `update unified_order set status = 'CANCELLED' where user_id = $1 and external_order_id in ('o10', 'o11')`,
      [seller.userId],
    );
    await pool.query(
      `update unified_order_item set returned_quantity = 1
        where user_id = $1 and order_id = (select id from unified_order where external_order_id = 'o13' and marketplace = 'flipkart')`,
      [seller.userId],
    );
    await pool.query(`delete from unified_order where user_id = $1 and external_order_id = 'o20'`, [seller.userId]);
    await seedOrder(pool, seller, {
      marketplace: 'amazon',
      id: 'late',
      orderedAt: '2026-11-01T05:30:00Z', // the repeated hour of New York's fall-back night
      currency: 'USD',
      total: '99.99',
      usd: '99.99',
      items: [{ sku: 'sku-1', quantity: 4, price: '25.00' }],
    });
    expect(await marks()).toBeGreaterThan(0);
    const refreshed = await refreshSalesRollup(pool, s);
    expect(refreshed.rebuilt).toBe('days');
    expect(refreshed.days).toBeLessThan(20);
    expect(await marks()).toBe(0);
    expect(await fromRollup(s, 'marketplace')).toEqual(await fromOrders(s, 'marketplace'));
    expect(await fromRollup(s, 'day')).toEqual(await fromOrders(s, 'day'));
    expect(await productsFromRollup(s)).toEqual(await productsFromLines(s));
  });

  it('counts days again in the timezone the seller moves to', async () => {
    await pool.query(`update "user" set timezone = 'Asia/Kolkata' where id = $1`, [seller.userId]);
    const s = await scope();
    expect(await fromRollup(s, 'day')).toEqual(await fromOrders(s, 'day'));
    expect(await productsFromRollup(s)).toEqual(await productsFromLines(s));
    expect(await refreshSalesRollup(pool, s)).toEqual({ rebuilt: 'none', days: 0 });
    await pool.query(`update "user" set timezone = 'America/New_York' where id = $1`, [seller.userId]);
    expect((await refreshSalesRollup(pool, await scope())).rebuilt).toBe('all');
  });

  it('keeps a write that commits while a rebuild runs for the next one', async () => {
    const s = await scope();
    await pool.query(
      `update unified_order set net_sales = 10.00, net_sales_usd = 10.00, total_amount = 11.00, total_amount_usd = 11.00 where user_id = $1 and external_order_id = 'o30'`,
      [seller.userId],
    );
    const writer = await pool.connect();
    try {
      await writer.query('begin');
      // marks the same day again: its mark is now the writer's until it commits
      await writer.query(
        `update unified_order set net_sales = 20.00, net_sales_usd = 20.00, total_amount = 22.00, total_amount_usd = 22.00 where user_id = $1 and external_order_id = 'o30'`,
        [seller.userId],
      );
      const refresh = refreshSalesRollup(pool, s);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writer.query('commit');
      expect((await refresh).rebuilt).toBe('days');
    } finally {
      writer.release();
    }
    // that rebuild read the day before the writer committed: the mark it left brings the write in
    expect(await marks()).toBe(1);
    expect(await fromRollup(s, 'marketplace')).toEqual(await fromOrders(s, 'marketplace'));
    expect(await marks()).toBe(0);
  });

  it('drops a disconnected marketplace with its orders, leaving no marks behind', async () => {
    const s = await scope();
    await refreshSalesRollup(pool, s);
    await pool.query('delete from marketplace_connection where id = $1', [seller.connections.flipkart]);
    expect(await marks()).toBe(0);
    const { rows } = await pool.query('select 1 from sales_rollup where connection_id = $1', [
      seller.connections.flipkart,
    ]);
    expect(rows).toEqual([]);
    const byMarketplace = await fromRollup(s, 'marketplace');
    expect(byMarketplace.map((r) => r.key)).toEqual(['amazon', 'shopify']);
    expect(byMarketplace).toEqual(await fromOrders(s, 'marketplace'));
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFreshness } from '../../src/analytics/freshness.ts';
import { findProducts, inventoryStatus } from '../../src/analytics/inventory.ts';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { productSales, topProducts } from '../../src/analytics/products.ts';
import { salesReport } from '../../src/analytics/sales.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import { type BoundTool, TOOLS } from '../../src/conversation/tools/index.ts';
import { MarketplaceConnection, UnifiedOrder, UnifiedOrderItem, User } from '../../src/db/entities/index.ts';
import { type MikroORM, openOrm } from '../../src/db/orm.ts';
import { closePool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller, seedUsdRate } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { toolsFor } from '../support/tools.ts';

describe('tenancy in the unified tables', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openOrm({ databaseUrl: db.url, log: createLogger({ logLevel: 'silent' }) });
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  async function sellerWithOrder(name: string, total: string) {
    const em = orm.em.fork();
    const user = em.create(User, { displayName: name });
    const connection = em.create(MarketplaceConnection, {
      user,
      marketplace: 'shopify',
      externalAccountId: `${name}.myshopify.com`,
      status: 'CONNECTED',
    });
    const now = new Date('2026-10-05T10:00:00Z');
    const order = em.create(UnifiedOrder, {
      user,
      connection,
      marketplace: 'shopify',
      externalOrderId: 'gid://shopify/Order/1001',
      status: 'DELIVERED',
      sourceStatus: 'PAID/FULFILLED',
      currency: 'USD',
      totalAmount: total,
      totalAmountUSD: total,
      itemCount: 1,
      orderedAt: now,
      sourceUpdatedAt: now,
      syncedAt: now,
    });
    em.create(UnifiedOrderItem, {
      order,
      user,
      connection,
      marketplace: 'shopify',
      externalItemId: 'gid://shopify/LineItem/1',
      title: 'Cotton kurta',
      quantity: 1,
      unitPrice: total,
      totalPrice: total,
      currency: 'USD',
    });
    await em.flush();
    return { user, connection, order };
  }

  it('keeps two sellers with the same external order id on the same marketplace apart', async () => {
    const a = await sellerWithOrder('alpha', '120.5000');
    const b = await sellerWithOrder('beta', '99.9900');
    const em = orm.em.fork();
    const rows = await em.find(
      UnifiedOrder,
      { externalOrderId: 'gid://shopify/Order/1001' },
      { orderBy: { id: 'asc' } },
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.totalAmount)).toEqual(['120.5000', '99.9900']);
    expect((await em.find(UnifiedOrder, { user: a.user.id }))[0]?.totalAmount).toBe('120.5000');
    expect((await em.find(UnifiedOrder, { user: b.user.id }))[0]?.totalAmount).toBe('99.9900');
    expect(await em.count(UnifiedOrderItem, { user: b.user.id })).toBe(1);
  });

  it('rejects a second copy of an order within one connection', async () => {
    const { user, connection } = await sellerWithOrder('gamma', '10.0000');
    const em = orm.em.fork();
    const now = new Date();
    em.create(UnifiedOrder, {
      user: user.id,
      connection: connection.id,
      marketplace: 'shopify',
      externalOrderId: 'gid://shopify/Order/1001',
      status: 'PENDING',
      sourceStatus: 'PENDING/UNFULFILLED',
      currency: 'USD',
      totalAmount: '1.0000',
      orderedAt: now,
      sourceUpdatedAt: now,
      syncedAt: now,
    });
    await expect(em.flush()).rejects.toThrow(/unified_order_connection_id_external_order_id_unique/);
  });

  it('stores money exactly, as decimal strings', async () => {
    const { order } = await sellerWithOrder('delta', '123456789012.3456');
    const reloaded = await orm.em.fork().findOneOrFail(UnifiedOrder, order.id);
    expect(reloaded.totalAmount).toBe('123456789012.3456');
  });
});

/**
 * Two sellers whose connections hold the same external order ids and SKUs on every
 * marketplace, with different figures: each seller's analytics and every tool give
 * that seller's own figures, whatever extra fields the model adds to a tool's input.
 */
describe('tenancy in the analytics and the tools (T1, L2)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let asha: SeededSeller;
  let bilal: SeededSeller;
  const now = new Date('2026-11-05T06:00:00Z');
  const october = resolvePeriod({ kind: 'named', name: 'last_month' }, now, 'UTC');
  const lastMonth = { kind: 'named', name: 'last_month' };
  const scopeOf = (s: SeededSeller): SellerScope => ({ userId: s.userId, timezone: 'UTC', currency: 'USD' });
  const at = (day: string) => `2026-10-${day}T10:00:00Z`;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    asha = await seedSeller(pool, { name: 'asha' });
    bilal = await seedSeller(pool, { name: 'bilal' });
    await seedUsdRate(pool, '2026-10-12', 'INR', '88.0');
    const kurta = (quantity: number, price: string, returned = 0) => ({
      sku: 'KURTA',
      quantity,
      price,
      returned,
      title: 'Cotton kurta',
    });
    const mug = (quantity: number, price: string) => ({ sku: 'MUG', quantity, price, title: 'Clay mug' });
    // the same ids on both sellers' connections
    await seedOrder(pool, asha, {
      marketplace: 'shopify',
      id: '1001',
      orderedAt: at('10'),
      currency: 'USD',
      total: '40.00',
      usd: '40.00',
      items: [kurta(1, '40.00')],
    });
    await seedOrder(pool, asha, {
      marketplace: 'amazon',
      id: '1002',
      orderedAt: at('11'),
      currency: 'USD',
      total: '80.00',
      usd: '80.00',
      hasReturn: true,
      items: [kurta(2, '40.00', 1)],
    });
    await seedOrder(pool, asha, {
      marketplace: 'flipkart',
      id: '1003',
      orderedAt: at('12'),
      currency: 'INR',
      total: '1760.00',
      usd: '20.00',
      items: [mug(1, '1760.00')],
    });
    await seedOrder(pool, asha, {
      marketplace: 'shopify',
      id: '1004',
      orderedAt: at('13'),
      currency: 'USD',
      total: '15.00',
      usd: '15.00',
      status: 'CANCELLED',
      items: [kurta(1, '15.00')],
    });
    await seedOrder(pool, bilal, {
      marketplace: 'shopify',
      id: '1001',
      orderedAt: at('10'),
      currency: 'USD',
      total: '500.00',
      usd: '500.00',
      items: [kurta(5, '100.00')],
    });
    await seedOrder(pool, bilal, {
      marketplace: 'amazon',
      id: '1002',
      orderedAt: at('11'),
      currency: 'USD',
      total: '300.00',
      usd: '300.00',
      items: [kurta(3, '100.00')],
    });
    await seedOrder(pool, bilal, {
      marketplace: 'flipkart',
      id: '1003',
      orderedAt: at('12'),
      currency: 'INR',
      total: '8800.00',
      usd: '100.00',
      items: [mug(4, '2200.00')],
    });
    await seedOrder(pool, bilal, {
      marketplace: 'shopify',
      id: '1004',
      orderedAt: at('13'),
      currency: 'USD',
      total: '15.00',
      usd: '15.00',
      items: [{ sku: 'SECRET', quantity: 1, price: '15.00', title: 'Bilal secret tea' }],
    });
    for (const [seller, stock] of [
      [asha, 10],
      [bilal, 99],
    ] as const) {
      for (const marketplace of ['shopify', 'amazon'] as const)
        await seedProduct(pool, seller, {
          marketplace,
          sku: 'KURTA',
          title: 'Cotton kurta',
          stock,
          price: '40.00',
          currency: 'USD',
          category: seller === asha ? 'Apparel' : 'Clothing',
        });
      await seedProduct(pool, seller, {
        marketplace: 'flipkart',
        sku: 'MUG',
        title: 'Clay mug',
        stock,
        price: '1760.00',
        currency: 'INR',
      });
    }
    await seedProduct(pool, bilal, {
      marketplace: 'shopify',
      sku: 'SECRET',
      title: 'Bilal secret tea',
      stock: 7,
      price: '15.00',
      currency: 'USD',
    });
    await pool.query('update marketplace_connection set last_sync_at = $2 where user_id = $1', [
      asha.userId,
      new Date('2026-11-05T04:00:00Z'),
    ]);
    await pool.query('update marketplace_connection set last_sync_at = $2 where user_id = $1', [
      bilal.userId,
      new Date('2026-11-04T04:00:00Z'),
    ]);
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  function toolsOf(seller: SeededSeller): BoundTool[] {
    const scope = scopeOf(seller);
    return toolsFor(pool, scope, now);
  }
  async function run(seller: SeededSeller, name: string, input: unknown) {
    const result = await toolsOf(seller)
      .find((t) => t.name === name)
      ?.run(input);
    if (!result?.ok) throw new Error(`${name}: ${result?.content}`);
    return JSON.parse(result.content);
  }
  const product = (p: any) => [p.sku, p.marketplace, p.units, p.revenue];

  /** Each seller's own figures, worked out by hand from the orders above. */
  const EXPECTED = {
    asha: {
      orders: 4,
      cancelled: 1,
      revenue: '140.00',
      byMarketplace: [
        ['amazon', 1, '80.00'],
        ['flipkart', 1, '20.00'],
        ['shopify', 1, '40.00'],
      ],
      products: [
        ['KURTA', 'amazon', 2, '80.00'],
        ['KURTA', 'shopify', 1, '40.00'],
        ['MUG', 'flipkart', 1, '20.00'],
      ],
      kurta: { units: 3, revenue: '120.00' },
      returns: { amazon: 1, flipkart: 0, shopify: 0 },
      returnedProducts: [['KURTA', 'amazon', 1]],
      stock: 10,
      categories: [
        ['Apparel', 3, '120.00'],
        ['Uncategorized', 1, '20.00'],
      ],
      accounts: ['asha-amazon', 'asha-flipkart', 'asha-shopify'],
      found: { SECRET: false },
    },
    bilal: {
      orders: 4,
      cancelled: 0,
      revenue: '915.00',
      byMarketplace: [
        ['amazon', 1, '300.00'],
        ['flipkart', 1, '100.00'],
        ['shopify', 2, '515.00'],
      ],
      products: [
        ['KURTA', 'shopify', 5, '500.00'],
        ['KURTA', 'amazon', 3, '300.00'],
        ['MUG', 'flipkart', 4, '100.00'],
        ['SECRET', 'shopify', 1, '15.00'],
      ],
      kurta: { units: 8, revenue: '800.00' },
      returns: { amazon: 0, flipkart: 0, shopify: 0 },
      returnedProducts: [],
      stock: 99,
      categories: [
        ['Clothing', 8, '800.00'],
        ['Uncategorized', 5, '115.00'],
      ],
      accounts: ['bilal-amazon', 'bilal-flipkart', 'bilal-shopify'],
      found: { SECRET: true },
    },
  };
  const sellers = () =>
    [
      ['asha', asha],
      ['bilal', bilal],
    ] as const;

  it('gives each seller only their own figures from the analytics functions', async () => {
    for (const [name, seller] of sellers()) {
      const want = EXPECTED[name];
      const scope = scopeOf(seller);
      const report = await readSellerData(pool, scope, (db) => salesReport(db, scope, october, { by: 'marketplace' }));
      expect(report.total).toMatchObject({
        orders: want.orders,
        cancelledOrders: want.cancelled,
        revenue: want.revenue,
      });
      expect(report.rows.map((r) => [r.key, r.orders - r.cancelledOrders, r.revenue])).toEqual(want.byMarketplace);
      const { rows } = await readSellerData(pool, scope, (db) => productSales(db, scope, october));
      expect(topProducts(rows, { limit: 10 }).map(product)).toEqual(want.products);
      const stock = await readSellerData(pool, scope, (db) => inventoryStatus(db, scope, now, { skus: ['KURTA'] }));
      expect(stock.map((r) => r.stock)).toEqual([want.stock, want.stock]);
      expect((await readSellerData(pool, scope, (db) => findProducts(db, scope, 'secret'))).length > 0).toBe(
        want.found.SECRET,
      );
      expect((await connectionFreshness(pool, scope, now, 3_600_000)).map((c) => c.account)).toEqual(want.accounts);
    }
  });

  it('gives each seller only their own figures from every tool', async () => {
    const used = new Set<string>();
    const call = (seller: SeededSeller, name: string, input: unknown) => {
      used.add(name);
      return run(seller, name, input);
    };
    for (const [name, seller] of sellers()) {
      const want = EXPECTED[name];
      const summary = await call(seller, 'sales_summary', { period: lastMonth, by: 'marketplace' });
      expect(summary.total).toMatchObject({ orders: want.orders, revenue: want.revenue });
      const compared = await call(seller, 'compare_periods', { period: lastMonth });
      expect(compared.period).toMatchObject({ orders: want.orders, revenue: want.revenue });
      const top = await call(seller, 'top_products', { period: lastMonth, limit: 10 });
      expect(top.products.map(product)).toEqual(want.products);
      const categories = await call(seller, 'top_products', { period: lastMonth, group_by: 'category' });
      expect(categories.categories.map((c: any) => [c.category, c.units, c.revenue])).toEqual(want.categories);
      const side = await call(seller, 'compare_product_marketplaces', { period: lastMonth, product: 'kurta' });
      expect(side.products).toHaveLength(1);
      expect(side.products[0]).toMatchObject({ sku: 'KURTA', ...want.kurta });
      const rates = await call(seller, 'return_rate', { period: lastMonth });
      expect(Object.fromEntries(rates.rows.map((r: any) => [r.marketplace, r.returned_orders]))).toEqual(want.returns);
      const byProduct = await call(seller, 'return_rate', { period: lastMonth, by: 'product' });
      expect(byProduct.products.map((p: any) => [p.sku, p.marketplace, p.returned_units])).toEqual(
        want.returnedProducts,
      );
      const stock = await call(seller, 'inventory_status', { product: 'KURTA' });
      expect(stock.products.map((p: any) => p.stock)).toEqual([want.stock, want.stock]);
      const perf = await call(seller, 'product_performance', { product: 'KURTA', period: lastMonth });
      const kurtaUnits = perf.by_marketplace.reduce((n: number, m: any) => n + (m.sales?.units ?? 0), 0);
      expect(kurtaUnits).toBe(want.kurta.units);
      expect(perf.by_marketplace.find((m: any) => m.marketplace === 'shopify').listing.stock).toBe(want.stock);
      const secret = await call(seller, 'product_performance', { product: 'SECRET' });
      expect(secret.found !== false).toBe(want.found.SECRET);
      if (!want.found.SECRET) expect(secret.did_you_mean).toEqual([]);
      const status = await call(seller, 'sync_status', {});
      expect(status.connections.map((c: any) => c.account)).toEqual(want.accounts);
    }
    expect([...used].sort()).toEqual(TOOLS.map((t) => t.name).sort());
  });

  it('offers no tool an input naming a seller, user, tenant, shop, account or connection (L2)', () => {
    const names = (schema: unknown): string[] =>
      schema && typeof schema === 'object'
        ? Object.entries(schema).flatMap(([k, v]) => [
            ...(k === 'properties' && v && typeof v === 'object' ? Object.keys(v) : []),
            ...names(v),
          ])
        : [];
    const tools = toolsOf(asha);
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS.map((t) => t.name).sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      for (const name of names(tool.inputSchema))
        expect(name).not.toMatch(/user|seller|tenant|merchant|owner|shop|store|account|connection|^id$|_id$/i);
    }
  });

  it('ignores another seller named in extra input fields: the caller’s rows only (L2)', async () => {
    const foreign = {
      user_id: bilal.userId,
      userId: bilal.userId,
      seller: 'bilal',
      seller_id: bilal.userId,
      tenant_id: bilal.userId,
      connection_id: bilal.connections.shopify,
      shop: 'bilal-shopify',
      account: 'bilal-amazon',
    };
    const inputs: Record<string, unknown> = {
      sales_summary: { period: lastMonth, by: 'marketplace' },
      compare_periods: { period: lastMonth, by_marketplace: true },
      top_products: { period: lastMonth, limit: 10 },
      compare_product_marketplaces: { period: lastMonth },
      return_rate: { period: lastMonth, by: 'product' },
      inventory_status: {},
      product_performance: { product: 'KURTA', period: lastMonth },
      sync_status: {},
    };
    expect(Object.keys(inputs).sort()).toEqual(TOOLS.map((t) => t.name).sort());
    for (const [name, input] of Object.entries(inputs)) {
      const own = await run(asha, name, input);
      const asked = await run(asha, name, { ...(input as object), ...foreign });
      expect(asked, name).toEqual(own);
      expect(JSON.stringify(asked), name).not.toMatch(/bilal|SECRET|915\.00|515\.00/i);
      if (name === 'sales_summary') expect(asked.total.revenue).toBe(EXPECTED.asha.revenue);
      if (name === 'top_products') expect(asked.products.map(product)).toEqual(EXPECTED.asha.products);
    }
  });
});

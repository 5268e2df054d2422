import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProducts, inventoryStatus } from '../../src/analytics/inventory.ts';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { compareAcrossMarketplaces, productSales, salesByCategory, topProducts } from '../../src/analytics/products.ts';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import { closePool } from '../../src/db/pool.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TITLES: Record<string, string> = { 'KURTA-BLUE': 'Blue cotton kurta', SCARF: 'Silk scarf', MUG: 'Clay mug' };

describe('products across marketplaces', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let seller: SeededSeller;
  let scope: SellerScope;
  const asked = new Date('2026-11-05T06:00:00Z');
  const october = resolvePeriod({ kind: 'named', name: 'last_month' }, asked, 'UTC');

  async function seed(s: SeededSeller) {
    const o = (marketplace: 'shopify' | 'flipkart' | 'amazon', id: string, day: string) => ({
      marketplace,
      id,
      orderedAt: `2026-10-${day}T10:00:00Z`,
    });
    await seedOrder(pool, s, {
      ...o('shopify', 's1', '10'),
      currency: 'USD',
      total: '60.00',
      usd: '60.00',
      items: [
        { sku: 'KURTA-BLUE', quantity: 2, price: '25.00', title: 'Blue cotton kurta' },
        { sku: 'SCARF', quantity: 1, price: '10.00', title: 'Silk scarf' },
      ],
    });
    await seedOrder(pool, s, {
      ...o('shopify', 's2', '11'),
      currency: 'USD',
      total: '25.00',
      usd: '25.00',
      hasReturn: true,
      items: [{ sku: 'KURTA-BLUE', quantity: 1, price: '25.00', returned: 1 }],
    });
    await seedOrder(pool, s, {
      ...o('flipkart', 'f1', '12'),
      currency: 'INR',
      total: '2640.00',
      usd: '30.00',
      items: [{ sku: 'KURTA-BLUE', quantity: 3, price: '880.00' }],
    });
    await seedOrder(pool, s, {
      ...o('flipkart', 'f2', '12'),
      currency: 'INR',
      total: '4400.00',
      usd: '50.00',
      status: 'CANCELLED',
      items: [{ sku: 'SCARF', quantity: 5, price: '880.00' }],
    });
    await seedOrder(pool, s, {
      ...o('amazon', 'a1', '13'),
      currency: 'INR',
      total: '1760.00',
      usd: '20.00',
      items: [{ sku: 'kurta-blue', quantity: 1, price: '1760.00' }],
    });
    await seedOrder(pool, s, {
      ...o('amazon', 'a2', '14'),
      currency: 'INR',
      total: '1760.00',
      usd: '20.00',
      items: [{ sku: 'MUG', quantity: 4, price: '440.00', title: 'Clay mug' }],
    });
    const product = (
      marketplace: 'shopify' | 'flipkart' | 'amazon',
      sku: string,
      stock: number | null,
      category?: string,
    ) =>
      seedProduct(pool, s, {
        marketplace,
        sku,
        title: TITLES[sku.toUpperCase()] ?? sku,
        stock,
        price: '25.00',
        currency: 'USD',
        category,
      });
    await product('shopify', 'KURTA-BLUE', 30, 'Apparel');
    await product('shopify', 'SCARF', 10, 'Accessories');
    // Flipkart listings carry no category: the SKU's other listings give it
    await product('flipkart', 'KURTA-BLUE', 3);
    await product('amazon', 'kurta-blue', null, 'Clothing');
    await product('amazon', 'MUG', 50);
    // sold out, and not selling for want of stock
    await product('flipkart', 'SCARF', 0);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    seller = await seedSeller(pool, { name: 'asha' });
    scope = { userId: seller.userId, timezone: 'UTC', currency: 'USD' };
    await seed(seller);
    // another seller with the same SKUs and order ids sells ten times more: never counted
    await seed(await seedSeller(pool, { name: 'other' }));
    await seedOrder(pool, (await seedSeller(pool, { name: 'third' })) as SeededSeller, {
      marketplace: 'shopify',
      id: 'big',
      orderedAt: '2026-10-15T10:00:00Z',
      currency: 'USD',
      total: '9000.00',
      usd: '9000.00',
      items: [{ sku: 'KURTA-BLUE', quantity: 300, price: '30.00' }],
    });
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('sums one product per normalized SKU and marketplace, without cancelled orders', async () => {
    const { rows } = await readSellerData(pool, scope, (db) => productSales(db, scope, october));
    const key = (r: { sku: string; marketplace: string }) => `${r.sku}@${r.marketplace}`;
    expect(Object.fromEntries(rows.map((r) => [key(r), [r.units, r.revenue]]))).toEqual({
      'KURTA-BLUE@shopify': [3, '75.00'],
      'SCARF@shopify': [1, '10.00'],
      'KURTA-BLUE@flipkart': [3, '30.00'],
      'KURTA-BLUE@amazon': [1, '20.00'],
      'MUG@amazon': [4, '20.00'],
    });
    const kurta = rows.find((r) => key(r) === 'KURTA-BLUE@shopify');
    expect(kurta).toMatchObject({ orders: 2, returnedUnits: 1, returnRate: 0.3333, averageUnitPrice: '25.00' });
  });

  it('sums sales per category, a SKU taking its category from the listing or another of the same SKU', async () => {
    const { rows } = await readSellerData(pool, scope, (db) => productSales(db, scope, october));
    const category = (sku: string, marketplace: string) =>
      rows.find((r) => r.sku === sku && r.marketplace === marketplace)?.category;
    expect(category('KURTA-BLUE', 'amazon')).toBe('Clothing');
    expect(category('KURTA-BLUE', 'flipkart')).toBe('Apparel');
    expect(category('MUG', 'amazon')).toBeNull();
    expect(
      salesByCategory(rows).map((c) => [c.category, c.products, c.units, c.revenue, c.returnRate, c.marketplaces]),
    ).toEqual([
      [
        'Apparel',
        1,
        6,
        '105.00',
        0.1667,
        { shopify: { units: 3, revenue: '75.00' }, flipkart: { units: 3, revenue: '30.00' } },
      ],
      // a tie on revenue: more units first
      ['Uncategorized', 1, 4, '20.00', 0, { amazon: { units: 4, revenue: '20.00' } }],
      ['Clothing', 1, 1, '20.00', 0, { amazon: { units: 1, revenue: '20.00' } }],
      ['Accessories', 1, 1, '10.00', 0, { shopify: { units: 1, revenue: '10.00' } }],
    ]);
  });

  it('ranks the best sellers overall and per marketplace', async () => {
    const { rows } = await readSellerData(pool, scope, (db) => productSales(db, scope, october));
    expect(topProducts(rows, { limit: 3 }).map((r) => `${r.sku}@${r.marketplace}`)).toEqual([
      'KURTA-BLUE@shopify',
      'KURTA-BLUE@flipkart',
      'MUG@amazon', // ties KURTA-BLUE on Amazon at 20.00, with more units
    ]);
    expect(topProducts(rows, { limit: 1, perMarketplace: true }).map((r) => `${r.sku}@${r.marketplace}`)).toEqual([
      'KURTA-BLUE@shopify',
      'KURTA-BLUE@flipkart',
      'MUG@amazon',
    ]);
    expect(topProducts(rows, { by: 'units', limit: 1 })[0]?.sku).toBe('MUG');
  });

  it('puts one product’s marketplaces side by side', async () => {
    const { rows } = await readSellerData(pool, { ...scope, currency: 'USD' }, (db) =>
      productSales(db, { ...scope, currency: 'USD' }, october, {
        marketplaces: ['flipkart', 'shopify'],
      }),
    );
    const [best] = compareAcrossMarketplaces(rows, { limit: 1 });
    expect(best).toMatchObject({ sku: 'KURTA-BLUE', revenue: '105.00', units: 6 });
    expect(Object.keys(best?.marketplaces ?? {}).sort()).toEqual(['flipkart', 'shopify']);
    const { rows: one } = await readSellerData(pool, scope, (db) =>
      productSales(db, scope, october, { skus: ['MUG'] }),
    );
    expect(one.map((r) => r.sku)).toEqual(['MUG']);
  });

  it('tells how many days the stock lasts at the last 30 days’ pace, sold-out first, then soonest', async () => {
    const rows = await readSellerData(pool, scope, (db) => inventoryStatus(db, scope, asked));
    expect(rows.map((r) => [`${r.sku}@${r.marketplace}`, r.stock, r.unitsSold, r.daysOfCover, r.outOfStock])).toEqual([
      ['SCARF@flipkart', 0, 0, 0, true],
      ['KURTA-BLUE@flipkart', 3, 3, 30, false],
      ['KURTA-BLUE@shopify', 30, 3, 300, false],
      ['SCARF@shopify', 10, 1, 300, false],
      ['MUG@amazon', 50, 4, 375, false],
      ['KURTA-BLUE@amazon', null, 1, null, false],
    ]);
  });

  it('finds products by SKU or every title word, taking the words literally', async () => {
    expect(await readSellerData(pool, scope, (db) => findProducts(db, scope, 'kurta'))).toEqual([
      { sku: 'KURTA-BLUE', title: 'Blue cotton kurta', marketplaces: ['amazon', 'flipkart', 'shopify'] },
    ]);
    expect(
      (await readSellerData(pool, scope, (db) => findProducts(db, scope, ' kurta-blue '))).map((p) => p.sku),
    ).toEqual(['KURTA-BLUE']);
    expect((await readSellerData(pool, scope, (db) => findProducts(db, scope, 'silk'))).map((p) => p.sku)).toEqual([
      'SCARF',
    ]);
    // every word, in any order; suggestions share any one of them
    expect(
      (await readSellerData(pool, scope, (db) => findProducts(db, scope, 'kurta blue'))).map((p) => p.sku),
    ).toEqual(['KURTA-BLUE']);
    expect(await readSellerData(pool, scope, (db) => findProducts(db, scope, 'cotton scarf'))).toEqual([]);
    expect(
      (await readSellerData(pool, scope, (db) => findProducts(db, scope, 'cotton scarf', 5, { anyWord: true }))).map(
        (p) => p.sku,
      ),
    ).toEqual(['KURTA-BLUE', 'SCARF']);
    expect(await readSellerData(pool, scope, (db) => findProducts(db, scope, '%'))).toEqual([]);
    expect(await readSellerData(pool, scope, (db) => findProducts(db, scope, ''))).toEqual([]);
  });
});

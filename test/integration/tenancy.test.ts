import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketplaceConnection, UnifiedOrder, UnifiedOrderItem, User } from '../../src/db/entities/index.ts';
import { type MikroORM, openOrm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

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

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import { writeOrderPage } from '../../src/sync/order-page-writer.ts';
import { acquireLease, type Lease } from '../../src/sync/sync-lease.ts';
import type { OrderRow } from '../../src/sync/unified-rows.ts';
import { type SeededSeller, seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const order: OrderRow = {
  externalOrderId: 'W1',
  orderNumber: '#W1',
  status: 'CONFIRMED',
  sourceStatus: 'PAID/UNFULFILLED',
  currency: 'USD',
  itemSales: '10.0000',
  discountAmount: '0',
  netSales: '10.0000',
  shippingAmount: '0',
  taxAmount: '0',
  totalAmount: '10.0000',
  totalAmountUSD: '10.0000',
  netSalesUSD: '10.0000',
  fxFlag: null,
  isRefunded: false,
  refundedAmount: null,
  hasReturn: false,
  orderedAt: new Date('2026-10-01T10:00:00Z'),
  fulfilledAt: null,
  cancelledAt: null,
  sourceUpdatedAt: new Date('2026-10-02T00:00:00Z'),
  items: [
    {
      externalItemId: 'W1-1',
      externalProductId: null,
      title: 'Kurta',
      sku: 'K',
      normalizedSku: 'K',
      quantity: 1,
      unitPrice: '10.0000',
      totalPrice: '10.0000',
      discountAmount: '0',
      netSales: '10.0000',
      taxAmount: null,
      currency: 'USD',
      sourceStatus: null,
      isCancelled: false,
      isReturned: false,
      returnedQuantity: 0,
      returnedAt: null,
    },
  ],
};

describe("synced rows belong to their connection's owner, checked by the database", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let seller: SeededSeller;
  let intruder: SeededSeller;
  let orderId: string;

  const refused = /row for connection .* names user .*, not the connection's owner/;
  const count = async (table: string, connectionId: string) =>
    Number(
      (await pool.query(`select count(*)::int as n from ${table} where connection_id = $1`, [connectionId])).rows[0].n,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    seller = await seedSeller(pool, { name: 'owner' });
    intruder = await seedSeller(pool, { name: 'intruder' });
    await seedOrder(pool, seller, {
      marketplace: 'shopify',
      id: 'S1',
      orderedAt: '2026-10-01T10:00:00Z',
      currency: 'USD',
      total: '5.0000',
      usd: '5.0000',
      items: [{ sku: 'A', quantity: 1, price: '5.0000' }],
    });
    orderId = (await pool.query(`select id from unified_order where external_order_id = 'S1'`)).rows[0].id;
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('refuses an order naming another seller than its connection’s owner', async () => {
    const write = seedOrder(
      pool,
      { ...intruder, connections: seller.connections },
      {
        marketplace: 'shopify',
        id: 'X1',
        orderedAt: '2026-10-01T10:00:00Z',
        currency: 'USD',
        total: '1.0000',
        usd: '1.0000',
      },
    );
    await expect(write).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(refused) });
    expect((await pool.query(`select 1 from unified_order where external_order_id = 'X1'`)).rowCount).toBe(0);
  });

  it('refuses an order line naming another seller', async () => {
    const write = pool.query(
      `insert into unified_order_item (order_id, user_id, connection_id, marketplace, external_item_id, title,
         quantity, unit_price, total_price, currency, created_at, updated_at)
       values ($1, $2, $3, 'shopify', 'X-1', 'x', 1, 1, 1, 'USD', now(), now())`,
      [orderId, intruder.userId, seller.connections.shopify],
    );
    await expect(write).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(refused) });
  });

  it('refuses a product, a quarantined record and a sync run naming another seller', async () => {
    const [userId, connectionId] = [intruder.userId, seller.connections.shopify];
    const writes = {
      unified_product: () =>
        pool.query(
          `insert into unified_product (user_id, connection_id, marketplace, external_id, title, synced_at, created_at, updated_at)
         values ($1, $2, 'shopify', 'X-P', 'x', now(), now(), now())`,
          [userId, connectionId],
        ),
      sync_quarantine: () =>
        pool.query(
          `insert into sync_quarantine (user_id, connection_id, marketplace, stream, external_id, reason, payload, seen_at)
         values ($1, $2, 'shopify', 'orders', 'X-Q', 'bad date', '{}', now())`,
          [userId, connectionId],
        ),
      sync_run: () =>
        pool.query(
          `insert into sync_run (user_id, connection_id, marketplace, trigger, started_at)
         values ($1, $2, 'shopify', 'scheduled', now())`,
          [userId, connectionId],
        ),
    };
    for (const [table, write] of Object.entries(writes)) {
      await expect(write(), table).rejects.toMatchObject({
        code: '23503',
        message: expect.stringMatching(new RegExp(`^${table} ${refused.source}`)),
      });
    }
  });

  it('refuses an update that moves a stored row to another seller', async () => {
    const move = pool.query('update unified_order set user_id = $1 where id = $2', [intruder.userId, orderId]);
    await expect(move).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(refused) });
    const moveLine = pool.query('update unified_order_item set user_id = $1 where order_id = $2', [
      intruder.userId,
      orderId,
    ]);
    await expect(moveLine).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(refused) });
  });

  it('still writes a correct page, and a wrong page is refused whole', async () => {
    const lease = (await acquireLease(pool, seller.userId, 'worker-a', 60_000)) as Lease;
    const page = (userId: string) =>
      writeOrderPage(pool, {
        userId,
        connectionId: seller.connections.flipkart,
        marketplace: 'flipkart',
        lease,
        orders: [order],
        cursor: { updatedAt: '2026-10-02T00:00:00Z' },
      });
    await expect(page(seller.userId)).resolves.toMatchObject({ ordersWritten: 1, itemsWritten: 1 });
    expect(await count('unified_order_item', seller.connections.flipkart)).toBe(1);

    const wrong = {
      ...order,
      externalOrderId: 'W2',
      items: order.items.map((i) => ({ ...i, externalItemId: 'W2-1' })),
    };
    // the intruder holds its own lease: only the owner check stands in the way
    const intruderLease = (await acquireLease(pool, intruder.userId, 'worker-b', 60_000)) as Lease;
    const wrongPage = writeOrderPage(pool, {
      userId: intruder.userId,
      connectionId: seller.connections.flipkart,
      marketplace: 'flipkart',
      lease: intruderLease,
      orders: [wrong],
      cursor: { updatedAt: '2026-10-03T00:00:00Z' },
    });
    await expect(wrongPage).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(refused) });
    expect(await count('unified_order', seller.connections.flipkart)).toBe(1);
    const cursor = await pool.query('select cursors from marketplace_connection where id = $1', [
      seller.connections.flipkart,
    ]);
    expect(cursor.rows[0].cursors.orders.updatedAt).toBe('2026-10-02T00:00:00Z');
  });

  it('deleting a connection still removes its rows', async () => {
    const connectionId = seller.connections.shopify;
    await pool.query(
      `insert into unified_product (user_id, connection_id, marketplace, external_id, title, synced_at, created_at, updated_at)
       values ($1, $2, 'shopify', 'OK-P', 'ok', now(), now(), now())`,
      [seller.userId, connectionId],
    );
    expect(await count('unified_order', connectionId)).toBe(1);
    expect(await count('unified_order_item', connectionId)).toBe(1);
    await pool.query('delete from marketplace_connection where id = $1', [connectionId]);
    for (const table of ['unified_order', 'unified_order_item', 'unified_product']) {
      expect(await count(table, connectionId), table).toBe(0);
    }
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import { writeOrderPage } from '../../src/sync/order-page-writer.ts';
import { acquireLease, type Lease, LeaseLostError, releaseLease, renewLease } from '../../src/sync/sync-lease.ts';
import type { OrderRow } from '../../src/sync/unified-rows.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

function order(id: string, updated: string, total = '10.0000', items = ['A']): OrderRow {
  return {
    externalOrderId: id,
    orderNumber: `#${id}`,
    status: 'CONFIRMED',
    sourceStatus: 'PAID/UNFULFILLED',
    currency: 'USD',
    itemSales: total,
    discountAmount: '0',
    netSales: total,
    shippingAmount: '0',
    taxAmount: '0',
    totalAmount: total,
    totalAmountUSD: total,
    netSalesUSD: total,
    fxFlag: null,
    isRefunded: false,
    refundedAmount: null,
    hasReturn: false,
    orderedAt: new Date('2026-10-01T10:00:00Z'),
    fulfilledAt: null,
    cancelledAt: null,
    sourceUpdatedAt: new Date(updated),
    items: items.map((sku, n) => ({
      externalItemId: `${id}-${n + 1}`,
      externalProductId: null,
      title: `Item ${sku}`,
      sku,
      normalizedSku: sku,
      quantity: 1,
      unitPrice: total,
      totalPrice: total,
      discountAmount: '0',
      netSales: total,
      taxAmount: null,
      currency: 'USD',
      sourceStatus: null,
      isCancelled: false,
      isReturned: false,
      returnedQuantity: 0,
      returnedAt: null,
    })),
  };
}

describe('page-atomic order writes under a sync lease', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const seller = { userId: '', connectionId: '' };
  const other = { userId: '', connectionId: '' };
  /** For tests whose cursors must not disturb the others'. */
  const third = { userId: '', connectionId: '' };
  let lease: Lease;
  let thirdLease: Lease;

  async function seed() {
    const { rows } = await pool.query<{ u: string; c: string }>(
      `with u as (insert into "user" (id) values (gen_random_uuid()) returning id)
       insert into marketplace_connection (id, user_id, marketplace, external_account_id, status)
       select gen_random_uuid(), id, 'shopify', 'shop-' || id, 'CONNECTED' from u returning user_id as u, id as c`,
    );
    return { userId: rows[0]?.u as string, connectionId: rows[0]?.c as string };
  }
  const write = (
    orders: OrderRow[],
    updatedAt: string,
    who = seller,
    withLease: Pick<Lease, 'userId' | 'holder' | 'version'> = lease,
  ) => writeOrderPage(pool, { ...who, marketplace: 'shopify', lease: withLease, orders, cursor: { updatedAt } });
  const stored = async (connectionId = seller.connectionId) =>
    (
      await pool.query(
        `select o.external_order_id as id, o.total_amount as total, o.source_updated_at as updated,
                array_agg(i.external_item_id order by i.external_item_id) as items
           from unified_order o left join unified_order_item i on i.order_id = o.id
          where o.connection_id = $1 group by 1, 2, 3 order by 1`,
        [connectionId],
      )
    ).rows;
  const cursor = async () =>
    (await pool.query('select cursors from marketplace_connection where id = $1', [seller.connectionId])).rows[0]
      .cursors.orders;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    Object.assign(seller, await seed());
    Object.assign(other, await seed());
    Object.assign(third, await seed());
    lease = (await acquireLease(pool, seller.userId, 'worker-a', 60_000)) as Lease;
    thirdLease = (await acquireLease(pool, third.userId, 'worker-a', 60_000)) as Lease;
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('writes orders, items and the cursor together; writing the page again changes nothing', async () => {
    const page = [order('1', '2026-10-02T00:00:00Z', '10.5000', ['A', 'B']), order('2', '2026-10-03T00:00:00Z')];
    expect(await write(page, '2026-10-03T00:00:00Z')).toEqual({
      ordersWritten: 2,
      ordersSkipped: 0,
      itemsWritten: 3,
      productsWritten: 0,
    });
    const first = await stored();
    expect(first.map((r) => [r.id, r.total, r.items])).toEqual([
      ['1', '10.5000', ['1-1', '1-2']],
      ['2', '10.0000', ['2-1']],
    ]);
    expect((await cursor()).updatedAt).toBe('2026-10-03T00:00:00Z');
    await write(page, '2026-10-03T00:00:00Z');
    expect(await stored()).toEqual(first);
  });

  it('stores text exactly as the source sent it, whatever COPY would read as a separator or an escape', async () => {
    const awkward = 'Mug\twith "tabs",\nnew lines\r\nand a \\ backslash, not \\N null';
    const row = order('copy-text', '2026-10-02T00:00:00Z');
    row.orderNumber = '\\N';
    (row.items[0] as OrderRow['items'][number]).title = awkward;
    expect((await write([row], '2026-10-02T00:00:00Z', third, thirdLease)).ordersWritten).toBe(1);
    const { rows } = await pool.query(
      `select o.order_number, o.currency, o.fulfilled_at, o.is_refunded, i.title
         from unified_order o join unified_order_item i on i.order_id = o.id
        where o.connection_id = $1 and o.external_order_id = 'copy-text'`,
      [third.connectionId],
    );
    expect(rows).toEqual([
      { order_number: '\\N', currency: 'USD', fulfilled_at: null, is_refunded: false, title: awkward },
    ]);
  });

  it('writes the products a page carries first, so its new items link to them as they are written', async () => {
    const product = {
      externalId: 'SKU-P',
      title: 'Kurta',
      sku: 'SKU-P',
      normalizedSku: 'SKU-P',
      category: null,
      price: '499',
      currency: 'INR',
      inventory: 3,
      status: 'ACTIVE',
      imageUrl: null,
      sourceUpdatedAt: null,
    };
    const named = order('P1', '2026-10-04T00:00:00Z', '10.0000', ['P']);
    named.items = named.items.map((i) => ({ ...i, externalProductId: 'SKU-P' }));
    const result = await writeOrderPage(pool, {
      ...third,
      marketplace: 'shopify',
      lease: thirdLease,
      orders: [named],
      products: [product],
      cursor: { updatedAt: '2026-10-04T00:00:00Z' },
    });
    expect(result).toMatchObject({ ordersWritten: 1, itemsWritten: 1, productsWritten: 1 });
    const { rows } = await pool.query(
      `select p.external_id from unified_order_item i join unified_product p on p.id = i.product_id
        where i.connection_id = $1 and i.external_item_id = 'P1-1'`,
      [third.connectionId],
    );
    expect(rows).toEqual([{ external_id: 'SKU-P' }]);
  });

  it('with returns read apart, a rewritten order keeps the return stored on it and its items', async () => {
    await write(
      [order('R1', '2026-10-05T00:00:00Z', '10.0000', ['A', 'B'])],
      '2026-10-05T00:00:00Z',
      third,
      thirdLease,
    );
    await pool.query(
      `update unified_order_item set is_returned = true, returned_quantity = 1
        where connection_id = $1 and external_item_id in ('R1-1', 'R1-2')`,
      [third.connectionId],
    );
    await pool.query(
      `update unified_order set has_return = true, status = 'RETURNED' where connection_id = $1 and external_order_id = 'R1'`,
      [third.connectionId],
    );
    const returned = async () =>
      (
        await pool.query(
          `select o.status, o.has_return, array_agg(i.returned_quantity order by i.external_item_id) as units
             from unified_order o join unified_order_item i on i.order_id = o.id
            where o.connection_id = $1 and o.external_order_id = 'R1' group by 1, 2`,
          [third.connectionId],
        )
      ).rows[0];
    const rewrite = (updated: string, keepReturns: boolean) =>
      writeOrderPage(pool, {
        ...third,
        marketplace: 'shopify',
        lease: thirdLease,
        orders: [{ ...order('R1', updated, '10.0000', ['A', 'B']), status: 'DELIVERED' }],
        cursor: { updatedAt: updated },
        keepReturns,
      });
    // the same state again is no change at all
    expect((await rewrite('2026-10-05T00:00:00Z', true)).ordersWritten).toBe(0);
    await rewrite('2026-10-06T00:00:00Z', true);
    expect(await returned()).toEqual({ status: 'RETURNED', has_return: true, units: [1, 1] });
    // where orders carry their returns, the source's word stands
    await rewrite('2026-10-07T00:00:00Z', false);
    expect(await returned()).toEqual({ status: 'DELIVERED', has_return: false, units: [0, 0] });
  });

  it('never overwrites an order with older data, and never moves the cursor back', async () => {
    await write([order('1', '2026-10-01T00:00:00Z', '99.0000')], '2026-10-01T00:00:00Z');
    expect((await stored()).find((r) => r.id === '1')?.total).toBe('10.5000');
    expect((await cursor()).updatedAt).toBe('2026-10-03T00:00:00Z');
  });

  it('replaces an order’s items when the source changes them', async () => {
    await write([order('1', '2026-10-04T00:00:00Z', '12.0000', ['B'])], '2026-10-04T00:00:00Z');
    expect((await stored()).find((r) => r.id === '1')).toMatchObject({ total: '12.0000', items: ['1-1'] });
  });

  it('keeps the newest copy when a page lists an order twice', async () => {
    await write(
      [order('3', '2026-10-05T01:00:00Z', '5.0000'), order('3', '2026-10-05T00:00:00Z', '4.0000')],
      '2026-10-05T01:00:00Z',
    );
    expect((await stored()).find((r) => r.id === '3')?.total).toBe('5.0000');
  });

  it('keeps two sellers with the same external order id apart', async () => {
    const otherLease = (await acquireLease(pool, other.userId, 'worker-b', 60_000)) as Lease;
    await write([order('1', '2026-10-06T00:00:00Z', '777.0000')], '2026-10-06T00:00:00Z', other, otherLease);
    expect((await stored(other.connectionId)).map((r) => r.total)).toEqual(['777.0000']);
    expect((await stored()).find((r) => r.id === '1')?.total).toBe('12.0000');
  });

  it('keeps quarantined records with their reason, and clears them when a good copy arrives', async () => {
    const bad = {
      externalId: '5',
      reason: 'order: totalPriceSet.shopMoney.amount: expected a decimal amount',
      payload: { id: '5' },
    };
    await writeOrderPage(pool, {
      ...seller,
      marketplace: 'shopify',
      lease,
      orders: [order('4', '2026-10-05T02:00:00Z')],
      quarantined: [bad],
      cursor: { updatedAt: '2026-10-05T02:00:00Z' },
    });
    const q = async () =>
      (
        await pool.query('select external_id, reason from sync_quarantine where connection_id = $1', [
          seller.connectionId,
        ])
      ).rows;
    expect(await q()).toEqual([{ external_id: '5', reason: bad.reason }]);
    expect((await stored()).map((r) => r.id)).not.toContain('5');
    await write([order('5', '2026-10-05T03:00:00Z')], '2026-10-05T01:00:00Z');
    expect(await q()).toEqual([]);
  });

  it('fences a worker whose lease was taken over: its page is refused whole', async () => {
    expect(await acquireLease(pool, seller.userId, 'worker-b', 60_000)).toBeUndefined(); // still held
    await pool.query(`update sync_lease set expires_at = now() - interval '1 second' where user_id = $1`, [
      seller.userId,
    ]);
    const taken = (await acquireLease(pool, seller.userId, 'worker-b', 60_000)) as Lease;
    expect(taken.version).toBe(lease.version + 1);
    const before = await stored();
    await expect(write([order('9', '2026-10-07T00:00:00Z')], '2026-10-07T00:00:00Z')).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await stored()).toEqual(before);
    expect((await cursor()).updatedAt).toBe('2026-10-05T02:00:00Z');
    await expect(renewLease(pool, lease, 60_000)).rejects.toBeInstanceOf(LeaseLostError);
    await write([order('9', '2026-10-07T00:00:00Z')], '2026-10-07T00:00:00Z', seller, taken);
    expect((await stored()).map((r) => r.id)).toContain('9');
    await releaseLease(pool, taken);
    expect((await acquireLease(pool, seller.userId, 'worker-c', 1000))?.version).toBe(taken.version + 1);
  });
});

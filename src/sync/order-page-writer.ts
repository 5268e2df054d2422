/**
 * Page-atomic writes: the orders of one page, their items and the advanced cursor
 * commit in ONE transaction, after checking the seller's sync lease in it. A crash
 * loses at most the page in flight, which the next run reads again; writing a page
 * twice changes nothing (upserts keyed per connection). An order is only overwritten
 * by data at least as new (source updated-at), and the cursor never moves back.
 *
 * Rows go in as arrays through unnest() (see unnest-columns.ts): one statement per
 * table per page.
 */
import type pg from 'pg';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { Marketplace } from '../db/enums.ts';
import { assertLease, type Lease } from './sync-lease.ts';
import type { OrderItemRow, OrderRow } from './unified-rows.ts';
import { unnestColumns } from './unnest-columns.ts';

export interface OrderPageWrite {
  userId: string;
  connectionId: string;
  marketplace: Marketplace;
  lease: Pick<Lease, 'userId' | 'holder' | 'version'>;
  orders: OrderRow[];
  /** Where the next run continues: saved with the rows it covers. */
  cursor: StreamCursor;
}

export interface OrderPageResult {
  ordersWritten: number;
  /** Orders in the page whose stored copy was newer (left as stored). */
  ordersSkipped: number;
  itemsWritten: number;
}

const ORDER_COLUMNS = unnestColumns<OrderRow>(
  [
    { name: 'external_order_id', type: 'text', value: (o) => o.externalOrderId },
    { name: 'order_number', type: 'text', value: (o) => o.orderNumber },
    { name: 'status', type: 'text', value: (o) => o.status },
    { name: 'source_status', type: 'text', value: (o) => o.sourceStatus },
    { name: 'currency', type: 'text', value: (o) => o.currency },
    { name: 'total_amount', type: 'numeric', value: (o) => o.totalAmount },
    { name: 'total_amount_usd', type: 'numeric', value: (o) => o.totalAmountUSD },
    { name: 'fx_flag', type: 'text', value: (o) => o.fxFlag },
    { name: 'item_count', type: 'int', value: (o) => o.items.reduce((n, i) => n + i.quantity, 0) },
    { name: 'customer_name', type: 'text', value: (o) => o.customerName },
    { name: 'customer_email', type: 'text', value: (o) => o.customerEmail },
    { name: 'is_refunded', type: 'bool', value: (o) => o.isRefunded },
    { name: 'refunded_amount', type: 'numeric', value: (o) => o.refundedAmount },
    { name: 'has_return', type: 'bool', value: (o) => o.hasReturn },
    { name: 'ordered_at', type: 'timestamptz', value: (o) => o.orderedAt },
    { name: 'fulfilled_at', type: 'timestamptz', value: (o) => o.fulfilledAt },
    { name: 'cancelled_at', type: 'timestamptz', value: (o) => o.cancelledAt },
    { name: 'source_updated_at', type: 'timestamptz', value: (o) => o.sourceUpdatedAt },
  ],
  4,
);

const UPSERT_ORDERS = `
insert into unified_order (user_id, connection_id, marketplace, ${ORDER_COLUMNS.names}, synced_at, created_at, updated_at)
select $1, $2, $3, u.*, now(), now(), now() from ${ORDER_COLUMNS.source}
on conflict (connection_id, external_order_id) do update set
  ${ORDER_COLUMNS.updates(['external_order_id'])}, synced_at = now(), updated_at = now()
where unified_order.source_updated_at <= excluded.source_updated_at
returning id, external_order_id`;

interface ItemWrite {
  orderId: string;
  item: OrderItemRow;
}

const ITEM_COLUMNS = unnestColumns<ItemWrite>(
  [
    { name: 'order_id', type: 'bigint', value: (x) => x.orderId },
    { name: 'external_item_id', type: 'text', value: (x) => x.item.externalItemId },
    { name: 'external_product_id', type: 'text', value: (x) => x.item.externalProductId },
    { name: 'title', type: 'text', value: (x) => x.item.title },
    { name: 'sku', type: 'text', value: (x) => x.item.sku },
    { name: 'normalized_sku', type: 'text', value: (x) => x.item.normalizedSku },
    { name: 'quantity', type: 'int', value: (x) => x.item.quantity },
    { name: 'unit_price', type: 'numeric', value: (x) => x.item.unitPrice },
    { name: 'total_price', type: 'numeric', value: (x) => x.item.totalPrice },
    { name: 'currency', type: 'text', value: (x) => x.item.currency },
    { name: 'source_status', type: 'text', value: (x) => x.item.sourceStatus },
    { name: 'is_cancelled', type: 'bool', value: (x) => x.item.isCancelled },
    { name: 'is_returned', type: 'bool', value: (x) => x.item.isReturned },
    { name: 'returned_quantity', type: 'int', value: (x) => x.item.returnedQuantity },
  ],
  4,
);

const UPSERT_ITEMS = `
insert into unified_order_item (user_id, connection_id, marketplace, ${ITEM_COLUMNS.names}, created_at, updated_at)
select $1, $2, $3, u.*, now(), now() from ${ITEM_COLUMNS.source}
on conflict (order_id, external_item_id) do update set
  ${ITEM_COLUMNS.updates(['order_id', 'external_item_id'])}, updated_at = now()`;

export async function writeOrderPage(pool: pg.Pool, page: OrderPageWrite): Promise<OrderPageResult> {
  const orders = latestPerOrder(page.orders);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await assertLease(client, page.lease);
    const written = await client.query<{ id: string; external_order_id: string }>(UPSERT_ORDERS, [
      page.userId,
      page.connectionId,
      page.marketplace,
      ...ORDER_COLUMNS.params(orders),
    ]);
    const idOf = new Map(written.rows.map((r) => [r.external_order_id, r.id]));
    const items: ItemWrite[] = orders.flatMap((o) => {
      const orderId = idOf.get(o.externalOrderId);
      return orderId === undefined ? [] : o.items.map((item) => ({ orderId, item }));
    });
    if (idOf.size > 0) {
      await client.query(
        `delete from unified_order_item i
          where i.order_id = any($1::bigint[])
            and not exists (select 1 from unnest($2::bigint[], $3::text[]) as k(order_id, external_item_id)
                             where k.order_id = i.order_id and k.external_item_id = i.external_item_id)`,
        [[...idOf.values()], items.map((x) => x.orderId), items.map((x) => x.item.externalItemId)],
      );
    }
    if (items.length > 0) {
      await client.query(UPSERT_ITEMS, [
        page.userId,
        page.connectionId,
        page.marketplace,
        ...ITEM_COLUMNS.params(items),
      ]);
    }
    await advanceCursor(client, page.connectionId, 'orders', page.cursor);
    await client.query('commit');
    return { ordersWritten: idOf.size, ordersSkipped: orders.length - idOf.size, itemsWritten: items.length };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Saves a stream's cursor unless the stored one is further on: a re-read page or a
 * stale worker never moves it back.
 */
export async function advanceCursor(
  client: pg.PoolClient,
  connectionId: string,
  stream: 'orders' | 'products' | 'returns',
  cursor: StreamCursor,
): Promise<void> {
  await client.query(
    `update marketplace_connection
        set cursors = jsonb_set(cursors, array[$2::text], $3::jsonb), updated_at = now()
      where id = $1
        and (cursors -> $2 ->> 'updatedAt' is null
             or $3::jsonb ->> 'updatedAt' is null
             or (cursors -> $2 ->> 'updatedAt')::timestamptz <= ($3::jsonb ->> 'updatedAt')::timestamptz)`,
    [connectionId, stream, JSON.stringify({ ...cursor, committedAt: new Date().toISOString() })],
  );
}

/** A page may list an order twice (it changed while paging): keep its newest state. */
function latestPerOrder(orders: OrderRow[]): OrderRow[] {
  const latest = new Map<string, OrderRow>();
  for (const o of orders) {
    const seen = latest.get(o.externalOrderId);
    if (!seen || seen.sourceUpdatedAt <= o.sourceUpdatedAt) latest.set(o.externalOrderId, o);
  }
  return [...latest.values()];
}

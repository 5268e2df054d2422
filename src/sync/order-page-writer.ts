/**
 * Page-atomic writes: the orders of one page, their items and the advanced cursor
 * commit in ONE transaction, after checking the seller's sync lease in it. A crash
 * loses at most the page in flight, which the next run reads again; writing a page
 * twice changes nothing (upserts keyed per connection). An order is only overwritten
 * by data at least as new (source updated-at), and the cursor never moves back.
 *
 * Rows go in as arrays through unnest(): one statement per table per page.
 */
import type pg from 'pg';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { Marketplace } from '../db/enums.ts';
import { assertLease, type Lease } from './sync-lease.ts';
import type { OrderRow } from './unified-rows.ts';

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

const ORDER_COLUMNS = `external_order_id, order_number, status, source_status, currency, total_amount, total_amount_usd,
  fx_flag, item_count, customer_name, customer_email, is_refunded, refunded_amount, has_return, ordered_at,
  fulfilled_at, cancelled_at, source_updated_at`;

const UPSERT_ORDERS = `
insert into unified_order (user_id, connection_id, marketplace, ${ORDER_COLUMNS}, synced_at, created_at, updated_at)
select $1, $2, $3, u.*, now(), now(), now()
  from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::numeric[],
              $11::text[], $12::int[], $13::text[], $14::text[], $15::bool[], $16::numeric[], $17::bool[],
              $18::timestamptz[], $19::timestamptz[], $20::timestamptz[], $21::timestamptz[])
       as u(${ORDER_COLUMNS})
on conflict (connection_id, external_order_id) do update set
  order_number = excluded.order_number, status = excluded.status, source_status = excluded.source_status,
  currency = excluded.currency, total_amount = excluded.total_amount, total_amount_usd = excluded.total_amount_usd,
  fx_flag = excluded.fx_flag, item_count = excluded.item_count, customer_name = excluded.customer_name,
  customer_email = excluded.customer_email, is_refunded = excluded.is_refunded,
  refunded_amount = excluded.refunded_amount, has_return = excluded.has_return, ordered_at = excluded.ordered_at,
  fulfilled_at = excluded.fulfilled_at, cancelled_at = excluded.cancelled_at,
  source_updated_at = excluded.source_updated_at, synced_at = now(), updated_at = now()
where unified_order.source_updated_at <= excluded.source_updated_at
returning id, external_order_id`;

const ITEM_COLUMNS = `external_item_id, external_product_id, title, sku, normalized_sku, quantity, unit_price, total_price,
  currency, source_status, is_cancelled, is_returned, returned_quantity`;

const UPSERT_ITEMS = `
insert into unified_order_item (order_id, user_id, connection_id, marketplace, ${ITEM_COLUMNS}, created_at, updated_at)
select order_id, $1, $2, $3, ${ITEM_COLUMNS}, now(), now()
  from unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::numeric[],
              $12::numeric[], $13::text[], $14::text[], $15::bool[], $16::bool[], $17::int[])
       as u(order_id, ${ITEM_COLUMNS})
on conflict (order_id, external_item_id) do update set
  external_product_id = excluded.external_product_id, title = excluded.title, sku = excluded.sku,
  normalized_sku = excluded.normalized_sku, quantity = excluded.quantity, unit_price = excluded.unit_price,
  total_price = excluded.total_price, currency = excluded.currency, source_status = excluded.source_status,
  is_cancelled = excluded.is_cancelled, is_returned = excluded.is_returned,
  returned_quantity = excluded.returned_quantity, updated_at = now()`;

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
      orders.map((o) => o.externalOrderId),
      orders.map((o) => o.orderNumber),
      orders.map((o) => o.status),
      orders.map((o) => o.sourceStatus),
      orders.map((o) => o.currency),
      orders.map((o) => o.totalAmount),
      orders.map((o) => o.totalAmountUSD),
      orders.map((o) => o.fxFlag),
      orders.map((o) => o.items.reduce((n, i) => n + i.quantity, 0)),
      orders.map((o) => o.customerName),
      orders.map((o) => o.customerEmail),
      orders.map((o) => o.isRefunded),
      orders.map((o) => o.refundedAmount),
      orders.map((o) => o.hasReturn),
      orders.map((o) => o.orderedAt),
      orders.map((o) => o.fulfilledAt),
      orders.map((o) => o.cancelledAt),
      orders.map((o) => o.sourceUpdatedAt),
    ]);
    const idOf = new Map(written.rows.map((r) => [r.external_order_id, r.id]));
    const items = orders.flatMap((o) => {
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
        items.map((x) => x.orderId),
        items.map((x) => x.item.externalItemId),
        items.map((x) => x.item.externalProductId),
        items.map((x) => x.item.title),
        items.map((x) => x.item.sku),
        items.map((x) => x.item.normalizedSku),
        items.map((x) => x.item.quantity),
        items.map((x) => x.item.unitPrice),
        items.map((x) => x.item.totalPrice),
        items.map((x) => x.item.currency),
        items.map((x) => x.item.sourceStatus),
        items.map((x) => x.item.isCancelled),
        items.map((x) => x.item.isReturned),
        items.map((x) => x.item.returnedQuantity),
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

/**
 * Writes a page of orders with their items (see page-transaction.ts for atomicity).
 * Writing a page twice changes nothing (upserts keyed per connection); an order is
 * only overwritten by data at least as new (source updated-at).
 *
 * Rows go in as arrays through unnest() (see unnest-columns.ts): one statement per
 * table per page.
 */
import type pg from 'pg';
import { usdAmount, usdFlag, usdRateJoin } from '../currency/usd-sql.ts';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { QuarantinedRecord } from '../marketplaces/marketplace-client.ts';
import { commitPage, type PageTarget } from './page-transaction.ts';
import type { OrderItemRow, OrderRow } from './unified-rows.ts';
import { unnestColumns } from './unnest-columns.ts';

export interface OrderPageWrite extends PageTarget {
  orders: OrderRow[];
  /** Where the next run continues: saved with the rows it covers. */
  cursor: StreamCursor;
  quarantined?: QuarantinedRecord[];
}

export interface OrderPageResult {
  /** Orders inserted or changed. */
  ordersWritten: number;
  /** Orders in the page whose stored copy was newer or the same (left as stored). */
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

/** USD amounts are computed here, at the order date's rate (see usd-sql.ts). */
const UPSERT_ORDERS = `
insert into unified_order (user_id, connection_id, marketplace, ${ORDER_COLUMNS.names}, total_amount_usd, synced_at, created_at, updated_at)
select $1, $2, $3, ${ORDER_COLUMNS.select({ fx_flag: usdFlag('u', 'u.fx_flag') })}, ${usdAmount('u', 'u.fx_flag')},
       now(), now(), now()
  from ${ORDER_COLUMNS.source} ${usdRateJoin('u')}
on conflict (connection_id, external_order_id) do update set
  ${ORDER_COLUMNS.updates(['external_order_id'])}, total_amount_usd = excluded.total_amount_usd,
  synced_at = now(), updated_at = now()
where unified_order.source_updated_at < excluded.source_updated_at
   or (unified_order.source_updated_at = excluded.source_updated_at
       and ${ORDER_COLUMNS.changed('unified_order', ['total_amount_usd'])})
returning id, external_order_id, (xmax = 0) as inserted`;

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

/** Items link to their product (same connection, same external id) when it is already stored. */
const UPSERT_ITEMS = `
insert into unified_order_item (user_id, connection_id, marketplace, ${ITEM_COLUMNS.names}, product_id, created_at, updated_at)
select $1, $2, $3, u.*,
       (select p.id from unified_product p where p.connection_id = $2 and p.external_id = u.external_product_id),
       now(), now()
  from ${ITEM_COLUMNS.source}
on conflict (order_id, external_item_id) do update set
  ${ITEM_COLUMNS.updates(['order_id', 'external_item_id'])},
  product_id = coalesce(excluded.product_id, unified_order_item.product_id), updated_at = now()`;

export async function writeOrderPage(pool: pg.Pool, page: OrderPageWrite): Promise<OrderPageResult> {
  const orders = latestPerOrder(page.orders);
  const writtenIds = orders.map((o) => o.externalOrderId);
  return commitPage(pool, { ...page, stream: 'orders', writtenIds }, async (client) => {
    const params = [page.userId, page.connectionId, page.marketplace];
    const written =
      orders.length === 0
        ? { rows: [] }
        : await client.query<{ id: string; external_order_id: string; inserted: boolean }>(UPSERT_ORDERS, [
            ...params,
            ...ORDER_COLUMNS.params(orders),
          ]);
    const idOf = new Map(written.rows.map((r) => [r.external_order_id, r.id]));
    const items: ItemWrite[] = orders.flatMap((o) => {
      const orderId = idOf.get(o.externalOrderId);
      return orderId === undefined ? [] : o.items.map((item) => ({ orderId, item }));
    });
    // an updated order's items are replaced: lines removed at the source go too (new orders have none)
    const updated = new Set(written.rows.filter((r) => !r.inserted).map((r) => r.id));
    if (updated.size > 0) {
      const kept = items.filter((x) => updated.has(x.orderId));
      await client.query(
        `delete from unified_order_item i
          where i.order_id = any($1::bigint[])
            and (i.order_id, i.external_item_id) not in (select * from unnest($2::bigint[], $3::text[]))`,
        [[...updated], kept.map((x) => x.orderId), kept.map((x) => x.item.externalItemId)],
      );
    }
    if (items.length > 0) await client.query(UPSERT_ITEMS, [...params, ...ITEM_COLUMNS.params(items)]);
    return { ordersWritten: idOf.size, ordersSkipped: orders.length - idOf.size, itemsWritten: items.length };
  });
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

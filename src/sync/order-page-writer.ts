/**
 * Writes a page of orders with their items (see page-transaction.ts for atomicity).
 *
 * Orders this connection has never stored are COPYed in, with ids drawn from their
 * table's sequence first so their items can point at them: the backfill path, at
 * close to COPY speed. Orders already stored are upserted through unnest(): only
 * with data at least as new (source updated-at), only when something differs, and an
 * updated order's items are replaced (lines removed at the source go too). Writing a
 * page twice changes nothing. The seller's lease keeps any other writer off these
 * rows meanwhile; the unique keys would refuse a duplicate in any case.
 */
import type pg from 'pg';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { QuarantinedRecord } from '../marketplaces/marketplace-client.ts';
import { copyRows } from './copy-rows.ts';
import { commitPage, type PageTarget } from './page-transaction.ts';
import { storeProducts } from './product-page-writer.ts';
import type { OrderItemRow, OrderRow, ProductRow } from './unified-rows.ts';
import { unnestColumns } from './unnest-columns.ts';

export interface OrderPageWrite extends PageTarget {
  /** With USD amounts set (UsdRatesForSync). */
  orders: OrderRow[];
  /** Where the next run continues: saved with the rows it covers. */
  cursor: StreamCursor;
  quarantined?: QuarantinedRecord[];
  /** Products the page's items name, written first so the items link to them. */
  products?: ProductRow[] | undefined;
  /**
   * The connection's returns are read apart from its orders (a client with a returns
   * stream): a rewritten order keeps the return state stored on it and its items.
   */
  keepReturns?: boolean;
}

export interface OrderPageResult {
  /** Orders inserted or changed. */
  ordersWritten: number;
  /** Orders in the page whose stored copy was newer or the same (left as stored). */
  ordersSkipped: number;
  itemsWritten: number;
  /** Products the page carried that were inserted or changed. */
  productsWritten: number;
}

const ORDER_COLUMNS = unnestColumns<OrderRow>(
  [
    { name: 'external_order_id', type: 'text', value: (o) => o.externalOrderId },
    { name: 'order_number', type: 'text', value: (o) => o.orderNumber },
    {
      name: 'status',
      type: 'text',
      value: (o) => o.status,
      incoming: `(case when $4::boolean and unified_order.status = 'RETURNED' and excluded.status <> 'CANCELLED'
                       then 'RETURNED' else excluded.status end)`,
    },
    { name: 'source_status', type: 'text', value: (o) => o.sourceStatus },
    { name: 'currency', type: 'text', value: (o) => o.currency },
    { name: 'item_sales', type: 'numeric', value: (o) => o.itemSales },
    { name: 'discount_amount', type: 'numeric', value: (o) => o.discountAmount },
    { name: 'net_sales', type: 'numeric', value: (o) => o.netSales },
    { name: 'shipping_amount', type: 'numeric', value: (o) => o.shippingAmount },
    { name: 'tax_amount', type: 'numeric', value: (o) => o.taxAmount },
    { name: 'total_amount', type: 'numeric', value: (o) => o.totalAmount },
    { name: 'total_amount_usd', type: 'numeric', value: (o) => o.totalAmountUSD },
    { name: 'net_sales_usd', type: 'numeric', value: (o) => o.netSalesUSD },
    { name: 'fx_flag', type: 'text', value: (o) => o.fxFlag },
    { name: 'item_count', type: 'int', value: (o) => o.items.reduce((n, i) => n + i.quantity, 0) },
    { name: 'is_refunded', type: 'bool', value: (o) => o.isRefunded },
    { name: 'refunded_amount', type: 'numeric', value: (o) => o.refundedAmount },
    {
      name: 'has_return',
      type: 'bool',
      value: (o) => o.hasReturn,
      incoming: '(excluded.has_return or ($4::boolean and unified_order.has_return))',
    },
    { name: 'ordered_at', type: 'timestamptz', value: (o) => o.orderedAt },
    { name: 'fulfilled_at', type: 'timestamptz', value: (o) => o.fulfilledAt },
    { name: 'cancelled_at', type: 'timestamptz', value: (o) => o.cancelledAt },
    { name: 'source_updated_at', type: 'timestamptz', value: (o) => o.sourceUpdatedAt },
  ],
  5,
);

const UPSERT_ORDERS = `
insert into unified_order (user_id, connection_id, marketplace, ${ORDER_COLUMNS.names}, synced_at, created_at, updated_at)
select $1, $2, $3, u.*, now(), now(), now() from ${ORDER_COLUMNS.source}
on conflict (connection_id, external_order_id) do update set
  ${ORDER_COLUMNS.updates(['external_order_id'])}, synced_at = now(), updated_at = now()
where unified_order.source_updated_at < excluded.source_updated_at
   or (unified_order.source_updated_at = excluded.source_updated_at and ${ORDER_COLUMNS.changed('unified_order')})
returning id, external_order_id`;

interface ItemWrite {
  orderId: string;
  productId: string | null;
  item: OrderItemRow;
}

const ITEM_COLUMNS = unnestColumns<ItemWrite>(
  [
    { name: 'order_id', type: 'bigint', value: (x) => x.orderId },
    { name: 'product_id', type: 'bigint', value: (x) => x.productId },
    { name: 'external_item_id', type: 'text', value: (x) => x.item.externalItemId },
    { name: 'external_product_id', type: 'text', value: (x) => x.item.externalProductId },
    { name: 'title', type: 'text', value: (x) => x.item.title },
    { name: 'sku', type: 'text', value: (x) => x.item.sku },
    { name: 'normalized_sku', type: 'text', value: (x) => x.item.normalizedSku },
    { name: 'quantity', type: 'int', value: (x) => x.item.quantity },
    { name: 'unit_price', type: 'numeric', value: (x) => x.item.unitPrice },
    { name: 'total_price', type: 'numeric', value: (x) => x.item.totalPrice },
    { name: 'discount_amount', type: 'numeric', value: (x) => x.item.discountAmount },
    { name: 'net_sales', type: 'numeric', value: (x) => x.item.netSales },
    { name: 'tax_amount', type: 'numeric', value: (x) => x.item.taxAmount },
    { name: 'currency', type: 'text', value: (x) => x.item.currency },
    { name: 'source_status', type: 'text', value: (x) => x.item.sourceStatus },
    { name: 'is_cancelled', type: 'bool', value: (x) => x.item.isCancelled },
    {
      name: 'is_returned',
      type: 'bool',
      value: (x) => x.item.isReturned,
      incoming: '(excluded.is_returned or ($4::boolean and unified_order_item.is_returned))',
    },
    {
      name: 'returned_quantity',
      type: 'int',
      value: (x) => x.item.returnedQuantity,
      incoming: `(case when $4::boolean
                       then greatest(excluded.returned_quantity, least(unified_order_item.returned_quantity, excluded.quantity))
                       else excluded.returned_quantity end)`,
    },
    {
      name: 'returned_at',
      type: 'timestamptz',
      value: (x) => x.item.returnedAt,
      incoming: `(case when $4::boolean then coalesce(unified_order_item.returned_at, excluded.returned_at)
                       else excluded.returned_at end)`,
    },
  ],
  5,
);

const UPSERT_ITEMS = `
insert into unified_order_item (user_id, connection_id, marketplace, ${ITEM_COLUMNS.names}, created_at, updated_at)
select $1, $2, $3, u.*, now(), now() from ${ITEM_COLUMNS.source}
on conflict (order_id, external_item_id) do update set
  ${ITEM_COLUMNS.updates(['order_id', 'external_item_id', 'product_id'])},
  product_id = coalesce(excluded.product_id, unified_order_item.product_id), updated_at = now()`;

const TENANT = ['user_id', 'connection_id', 'marketplace'];
const ORDER_COPY = ['id', ...TENANT, ...ORDER_COLUMNS.list, 'synced_at', 'created_at', 'updated_at'];
const ITEM_COPY = [...TENANT, ...ITEM_COLUMNS.list, 'created_at', 'updated_at'];

export async function writeOrderPage(pool: pg.Pool, page: OrderPageWrite): Promise<OrderPageResult> {
  const orders = latestPerOrder(page.orders);
  const writtenIds = orders.map((o) => o.externalOrderId);
  return commitPage(pool, { ...page, stream: 'orders', writtenIds }, async (client) => {
    const productsWritten = page.products ? await storeProducts(client, page, page.products) : 0;
    if (orders.length === 0) return { ordersWritten: 0, ordersSkipped: 0, itemsWritten: 0, productsWritten };
    const { rows: stored } = await client.query<{ external_order_id: string }>(
      'select external_order_id from unified_order where connection_id = $1 and external_order_id = any($2::text[])',
      [page.connectionId, writtenIds],
    );
    const known = new Set(stored.map((r) => r.external_order_id));
    const products = await productIds(client, page.connectionId, orders);
    const fresh = await copyNewOrders(
      client,
      page,
      orders.filter((o) => !known.has(o.externalOrderId)),
      products,
    );
    const updated = await upsertKnownOrders(
      client,
      page,
      orders.filter((o) => known.has(o.externalOrderId)),
      products,
    );
    return {
      ordersWritten: fresh.orders + updated.orders,
      ordersSkipped: orders.length - fresh.orders - updated.orders,
      itemsWritten: fresh.items + updated.items,
      productsWritten,
    };
  });
}

async function copyNewOrders(
  client: pg.PoolClient,
  page: OrderPageWrite,
  orders: OrderRow[],
  products: Map<string, string>,
): Promise<{ orders: number; items: number }> {
  if (orders.length === 0) return { orders: 0, items: 0 };
  // the sequence is looked up once, not per id (offset 0 keeps the subquery from being inlined)
  const { rows } = await client.query<{ id: string }>(
    `select nextval(s.seq) as id
       from (select pg_get_serial_sequence('unified_order', 'id')::regclass as seq offset 0) s, generate_series(1, $1)`,
    [orders.length],
  );
  const orderIds = rows.map((r) => r.id);
  const now = new Date();
  const tenant = [page.userId, page.connectionId, page.marketplace];
  await copyRows(
    client,
    'unified_order',
    ORDER_COPY,
    orders.map((o, i) => [orderIds[i], ...tenant, ...ORDER_COLUMNS.values(o), now, now, now]),
  );
  // the items' own ids are their column's default
  const items = orders.flatMap((o, i) =>
    o.items.map((item) => {
      const write = { orderId: orderIds[i] as string, productId: productOf(products, item), item };
      return [...tenant, ...ITEM_COLUMNS.values(write), now, now];
    }),
  );
  await copyRows(client, 'unified_order_item', ITEM_COPY, items);
  return { orders: orders.length, items: items.length };
}

async function upsertKnownOrders(
  client: pg.PoolClient,
  page: OrderPageWrite,
  orders: OrderRow[],
  products: Map<string, string>,
): Promise<{ orders: number; items: number }> {
  if (orders.length === 0) return { orders: 0, items: 0 };
  const params = [page.userId, page.connectionId, page.marketplace, page.keepReturns ?? false];
  const written = await client.query<{ id: string; external_order_id: string }>(UPSERT_ORDERS, [
    ...params,
    ...ORDER_COLUMNS.params(orders),
  ]);
  const idOf = new Map(written.rows.map((r) => [r.external_order_id, r.id]));
  const items: ItemWrite[] = orders.flatMap((o) => {
    const orderId = idOf.get(o.externalOrderId);
    return orderId === undefined
      ? []
      : o.items.map((item) => ({ orderId, productId: productOf(products, item), item }));
  });
  if (idOf.size > 0) {
    await client.query(
      `delete from unified_order_item i
        where i.order_id = any($1::bigint[])
          and (i.order_id, i.external_item_id) not in (select * from unnest($2::bigint[], $3::text[]))`,
      [[...idOf.values()], items.map((x) => x.orderId), items.map((x) => x.item.externalItemId)],
    );
  }
  if (items.length > 0) await client.query(UPSERT_ITEMS, [...params, ...ITEM_COLUMNS.params(items)]);
  return { orders: idOf.size, items: items.length };
}

/** Ids of the stored products the page's items name (same connection, same external id). */
async function productIds(client: pg.PoolClient, connectionId: string, orders: OrderRow[]) {
  const named = [
    ...new Set(orders.flatMap((o) => o.items.map((i) => i.externalProductId).filter((id) => id !== null))),
  ];
  if (named.length === 0) return new Map<string, string>();
  const { rows } = await client.query<{ id: string; external_id: string }>(
    'select id, external_id from unified_product where connection_id = $1 and external_id = any($2::text[])',
    [connectionId, named],
  );
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

const productOf = (products: Map<string, string>, item: OrderItemRow) =>
  item.externalProductId === null ? null : (products.get(item.externalProductId) ?? null);

/** A page may list an order twice (it changed while paging): keep its newest state. */
function latestPerOrder(orders: OrderRow[]): OrderRow[] {
  const latest = new Map<string, OrderRow>();
  for (const o of orders) {
    const seen = latest.get(o.externalOrderId);
    if (!seen || seen.sourceUpdatedAt <= o.sourceUpdatedAt) latest.set(o.externalOrderId, o);
  }
  return [...latest.values()];
}

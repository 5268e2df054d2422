/**
 * Orders stored before ShopIQ kept net sales (revenue) apart from what the buyer paid
 * have `net_sales` null, and their totals meant a different thing per marketplace
 * (Shopify: with tax and shipping; Flipkart: with cancelled items; Amazon: items only).
 * They are repaired by the source, never guessed: each connection holding such orders
 * forgets its orders cursor, so its next sync re-reads its whole order history and the
 * writer rewrites every order whose parts differ (order-page-writer.ts). Until then
 * the analytics count those orders apart and leave them out of every amount.
 *
 * The one source of this SQL: the migration that added the parts runs it, and so can
 * an operator (or a test) on rows written the old way.
 */
import type { Queryable } from '../db/pool.ts';

export const REREAD_ORDERS_WITHOUT_NET_SALES = `
  update marketplace_connection c set cursors = c.cursors - 'orders', updated_at = now()
   where c.cursors ? 'orders'
     and exists (select 1 from unified_order o where o.connection_id = c.id and o.net_sales is null)`;

/** Marks every connection with orders lacking net sales for a full re-read; returns how many. */
export async function rereadOrdersWithoutNetSales(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(REREAD_ORDERS_WITHOUT_NET_SALES);
  return rowCount ?? 0;
}

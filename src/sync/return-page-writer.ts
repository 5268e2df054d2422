/**
 * Applies returns reported apart from orders (Amazon's returns reports) to the stored
 * orders and items (see page-transaction.ts for atomicity). Applying a return twice
 * sets the same values: returned quantity is the reported one, not an increment.
 * An order whose every unit (cancelled ones aside) came back is RETURNED; a partial
 * return is a flag.
 */
import type pg from 'pg';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { QuarantinedRecord } from '../marketplaces/marketplace-client.ts';
import { commitPage, type PageTarget } from './page-transaction.ts';
import type { ReturnRow } from './unified-rows.ts';

export interface ReturnPageWrite extends PageTarget {
  returns: ReturnRow[];
  cursor: StreamCursor;
  quarantined?: QuarantinedRecord[];
}

export async function writeReturnPage(pool: pg.Pool, page: ReturnPageWrite): Promise<{ returnsApplied: number }> {
  return commitPage(pool, { ...page, stream: 'returns' }, async (client) => {
    if (page.returns.length === 0) return { returnsApplied: 0 };
    const r = page.returns;
    // the page's orders first (a few hundred, by the unique key), then their items by order id
    const items = await client.query(
      `with returned as materialized (
         select o.id as order_id, u.external_item_id, u.quantity, u.returned_at
           from unnest($2::text[], $3::text[], $4::int[], $5::timestamptz[])
                  as u(external_order_id, external_item_id, quantity, returned_at)
           join unified_order o on o.connection_id = $1 and o.external_order_id = u.external_order_id)
       update unified_order_item i
          set is_returned = true, returned_quantity = least(i.quantity, r.quantity), returned_at = r.returned_at,
              updated_at = now()
         from returned r
        where i.order_id = r.order_id
          and (r.external_item_id is null or i.external_item_id = r.external_item_id)
          and (i.is_returned, i.returned_quantity, i.returned_at)
              is distinct from (true, least(i.quantity, r.quantity), r.returned_at)`,
      [
        page.connectionId,
        r.map((x) => x.externalOrderId),
        r.map((x) => x.externalItemId),
        r.map((x) => x.quantity),
        r.map((x) => x.returnedAt),
      ],
    );
    await client.query(
      `update unified_order o
          set has_return = true, updated_at = now(),
              status = case when not exists (select 1 from unified_order_item i
                                              where i.order_id = o.id and not i.is_cancelled
                                                and i.returned_quantity < i.quantity)
                            then 'RETURNED' else o.status end
        where o.connection_id = $1 and o.external_order_id = any($2::text[]) and o.status <> 'CANCELLED'`,
      [page.connectionId, r.map((x) => x.externalOrderId)],
    );
    return { returnsApplied: items.rowCount ?? 0 };
  });
}

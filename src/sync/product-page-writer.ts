/**
 * Writes a page of products (see page-transaction.ts for atomicity) and links the
 * order items that name them but were stored before the product was.
 */
import type pg from 'pg';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { QuarantinedRecord } from '../marketplaces/marketplace-client.ts';
import { commitPage, type PageTarget } from './page-transaction.ts';
import type { ProductRow } from './unified-rows.ts';
import { unnestColumns } from './unnest-columns.ts';

export interface ProductPageWrite extends PageTarget {
  products: ProductRow[];
  cursor: StreamCursor;
  quarantined?: QuarantinedRecord[];
}

const PRODUCT_COLUMNS = unnestColumns<ProductRow>(
  [
    { name: 'external_id', type: 'text', value: (p) => p.externalId },
    { name: 'title', type: 'text', value: (p) => p.title },
    { name: 'sku', type: 'text', value: (p) => p.sku },
    { name: 'normalized_sku', type: 'text', value: (p) => p.normalizedSku },
    { name: 'category', type: 'text', value: (p) => p.category },
    { name: 'price', type: 'numeric', value: (p) => p.price },
    { name: 'currency', type: 'text', value: (p) => p.currency },
    { name: 'inventory', type: 'int', value: (p) => p.inventory },
    { name: 'status', type: 'text', value: (p) => p.status },
    { name: 'image_url', type: 'text', value: (p) => p.imageUrl },
    { name: 'source_updated_at', type: 'timestamptz', value: (p) => p.sourceUpdatedAt },
  ],
  4,
);

const UPSERT_PRODUCTS = `
insert into unified_product (user_id, connection_id, marketplace, ${PRODUCT_COLUMNS.names}, synced_at, created_at, updated_at)
select $1, $2, $3, u.*, now(), now(), now() from ${PRODUCT_COLUMNS.source}
on conflict (connection_id, external_id) do update set
  ${PRODUCT_COLUMNS.updates(['external_id'])}, synced_at = now(), updated_at = now()
where (unified_product.source_updated_at is null or excluded.source_updated_at is null
       or unified_product.source_updated_at <= excluded.source_updated_at)
  and ${PRODUCT_COLUMNS.changed('unified_product')}
returning id, external_id`;

export async function writeProductPage(pool: pg.Pool, page: ProductPageWrite): Promise<{ productsWritten: number }> {
  const ids = [...new Set(page.products.map((p) => p.externalId))];
  return commitPage(pool, { ...page, stream: 'products', writtenIds: ids }, async (client) => ({
    productsWritten: await storeProducts(client, page, page.products),
  }));
}

/**
 * Upserts products inside the caller's transaction (a products page, or the products
 * an orders page carries) and links the stored items that name them; returns how many
 * were inserted or changed.
 */
export async function storeProducts(client: pg.PoolClient, target: PageTarget, rows: ProductRow[]): Promise<number> {
  const products = [...new Map(rows.map((p) => [p.externalId, p])).values()];
  if (products.length === 0) return 0;
  const written = await client.query<{ id: string; external_id: string }>(UPSERT_PRODUCTS, [
    target.userId,
    target.connectionId,
    target.marketplace,
    ...PRODUCT_COLUMNS.params(products),
  ]);
  // read now, changed or not: how fresh the product is (SKU lookups skip fresh ones)
  await client.query(
    `update unified_product set synced_at = now()
      where connection_id = $1 and external_id = any($2::text[]) and synced_at < now()`,
    [target.connectionId, products.map((p) => p.externalId)],
  );
  if (written.rows.length > 0) {
    await client.query(
      `update unified_order_item i set product_id = p.id
         from unnest($2::bigint[], $3::text[]) as p(id, external_id)
        where i.connection_id = $1 and i.external_product_id = p.external_id and i.product_id is distinct from p.id`,
      [target.connectionId, written.rows.map((r) => r.id), written.rows.map((r) => r.external_id)],
    );
  }
  return written.rows.length;
}

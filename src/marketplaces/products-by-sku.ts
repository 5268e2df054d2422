/**
 * Products for APIs that look them up by SKU (`productsBy: 'sku'`: Flipkart listings,
 * Amazon Listings Items). An orders page gets the products of the SKUs it names, so
 * they are written with it and its items link at once; the products stream then reads
 * the other SKUs the connection's orders name. A SKU is read once a run at most, and
 * not at all while its product is fresher than `refreshAfterMs` (lookups one SKU at a
 * time are what a sync spends most requests on once the history is in).
 */
import type { OrderRow, ProductRow } from '../sync/unified-rows.ts';
import type { KnownSku, OrderPage, Page, ReadOptions } from './marketplace-client.ts';

export type { KnownSku };
export type ProductLookup = (skus: KnownSku[]) => Promise<Omit<Page<ProductRow>, 'cursor'>>;

export const PRODUCT_REFRESH_MS = 6 * 3_600_000;

export class ProductsBySku {
  readonly #lookup: ProductLookup;
  readonly #refreshAfterMs: number;
  readonly #now: () => number;
  readonly #pageSize = 100;
  /** SKUs read in this run. */
  readonly #read = new Set<string>();
  /** When each known SKU's product was last read (before this run), loaded once. */
  #syncedAt: Promise<Map<string, number>> | undefined;

  /** `lookup` reads any number of SKUs (batching as its API allows). */
  constructor(lookup: ProductLookup, options: { refreshAfterMs?: number; now?: () => number } = {}) {
    this.#lookup = lookup;
    this.#refreshAfterMs = options.refreshAfterMs ?? PRODUCT_REFRESH_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The page with the products of the SKUs it names that are neither read in this run nor fresh. */
  async withProducts(page: Page<OrderRow>, options: ReadOptions | undefined): Promise<OrderPage> {
    const titles = new Map<string, string>();
    for (const row of page.rows) {
      for (const item of row.items) if (item.sku && !titles.has(item.sku)) titles.set(item.sku, item.title);
    }
    const wanted = await this.#stale(
      [...titles].map(([sku, title]) => ({ sku, title })),
      options,
    );
    if (wanted.length === 0) return page;
    const found = await this.#lookupOnce(wanted);
    return { ...page, products: found.rows, quarantined: [...page.quarantined, ...found.quarantined] };
  }

  /** Pages of the other known SKUs whose products are not fresh. */
  async *rest(options: ReadOptions | undefined): AsyncGenerator<Page<ProductRow>> {
    const known = await this.#stale((await options?.knownSkus?.()) ?? [], options);
    for (let i = 0; i < known.length; i += this.#pageSize) {
      yield { ...(await this.#lookupOnce(known.slice(i, i + this.#pageSize))), cursor: {} };
    }
  }

  async #stale(skus: KnownSku[], options: ReadOptions | undefined): Promise<KnownSku[]> {
    const syncedAt = await this.#loadSyncedAt(options);
    const freshSince = this.#now() - this.#refreshAfterMs;
    return skus.filter((k) => !this.#read.has(k.sku) && !((syncedAt.get(k.sku) ?? 0) > freshSince));
  }

  #loadSyncedAt(options: ReadOptions | undefined): Promise<Map<string, number>> {
    this.#syncedAt ??= (async () => {
      const known = (await options?.knownSkus?.()) ?? [];
      return new Map(known.map((k) => [k.sku, k.productSyncedAt ? new Date(k.productSyncedAt).getTime() : 0]));
    })();
    return this.#syncedAt;
  }

  #lookupOnce(skus: KnownSku[]) {
    for (const { sku } of skus) this.#read.add(sku);
    return this.#lookup(skus);
  }
}

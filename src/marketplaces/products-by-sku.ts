/**
 * Products for APIs that look them up by SKU (`productsBy: 'sku'`: Flipkart listings,
 * Amazon Listings Items). An orders page gets the products of the SKUs it names that
 * the run has not read yet, so they are written with it and its items link at once;
 * the products stream then reads the other SKUs the connection's orders name.
 */
import type { OrderRow, ProductRow } from '../sync/unified-rows.ts';
import type { OrderPage, Page, ReadOptions } from './marketplace-client.ts';

export type KnownSku = { sku: string; title: string };
export type ProductLookup = (skus: KnownSku[]) => Promise<Omit<Page<ProductRow>, 'cursor'>>;

export class ProductsBySku {
  readonly #lookup: ProductLookup;
  readonly #pageSize: number;
  /** SKUs read in this run. */
  readonly #read = new Set<string>();

  /** `lookup` reads any number of SKUs (batching as its API allows). */
  constructor(lookup: ProductLookup, pageSize = 100) {
    this.#lookup = lookup;
    this.#pageSize = pageSize;
  }

  /** The page with the products of the SKUs it names that this run has not read. */
  async withProducts(page: Page<OrderRow>): Promise<OrderPage> {
    const titles = new Map<string, string>();
    for (const row of page.rows) {
      for (const item of row.items) {
        if (item.sku && !this.#read.has(item.sku) && !titles.has(item.sku)) titles.set(item.sku, item.title);
      }
    }
    if (titles.size === 0) return page;
    const found = await this.#lookupOnce([...titles].map(([sku, title]) => ({ sku, title })));
    return { ...page, products: found.rows, quarantined: [...page.quarantined, ...found.quarantined] };
  }

  /** Pages of the known SKUs this run has not read yet. */
  async *rest(options: ReadOptions | undefined): AsyncGenerator<Page<ProductRow>> {
    const known = ((await options?.knownSkus?.()) ?? []).filter((k) => !this.#read.has(k.sku));
    for (let i = 0; i < known.length; i += this.#pageSize) {
      yield { ...(await this.#lookupOnce(known.slice(i, i + this.#pageSize))), cursor: {} };
    }
  }

  #lookupOnce(skus: KnownSku[]) {
    for (const { sku } of skus) this.#read.add(sku);
    return this.#lookup(skus);
  }
}

/**
 * The contract between the sync engine and a marketplace. A client reads three
 * streams, each as an async iterator of pages; every page carries the cursor to save
 * WITH its rows (the engine commits both in one transaction), so a run stopped at any
 * point resumes after the last committed page.
 *
 * Fits the three APIs: Shopify pages GraphQL connections by updated-at (bulk JSONL
 * for large reads), Flipkart walks modified-date windows of its shipment filter and
 * regroups per-item states into orders, Amazon reads reports for history and
 * searchOrders for small deltas. The cursor's `updatedAt` is the source updated-at
 * up to which everything is committed; `position` is the client's own (a report id,
 * a window, a bulk operation).
 *
 * Order rows are complete: an order in a page carries all its items as the source
 * has them now (the writer replaces the stored items of every order it writes).
 */
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { Marketplace } from '../db/enums.ts';
import type { OrderRow, ProductRow, ReturnRow } from '../sync/unified-rows.ts';
import type { ApiStats } from './api-stats.ts';

export const STREAMS = ['products', 'orders', 'returns'] as const;
export type Stream = (typeof STREAMS)[number];

/** A source record the mapper rejected, with why. */
export interface QuarantinedRecord {
  externalId: string | null;
  reason: string;
  payload: unknown;
}

export interface Page<Row> {
  rows: Row[];
  quarantined: QuarantinedRecord[];
  /** Saved with this page's rows: where the next read continues. */
  cursor: StreamCursor;
  /** The client's best estimate of the stream's records in this run, for progress. */
  estimatedTotal?: number | undefined;
}

/**
 * A page of orders. Where products are looked up by SKU, it carries the products its
 * items name that this run has not handed over yet: they are written first, in the
 * same transaction, so the items link to them as they are written.
 */
export interface OrderPage extends Page<OrderRow> {
  products?: ProductRow[] | undefined;
}

/** A SKU the connection's orders name, a title seen for it, and when its product was last read. */
export interface KnownSku {
  sku: string;
  title: string;
  productSyncedAt?: Date | null | undefined;
}

export interface ReadOptions {
  signal?: AbortSignal | undefined;
  /**
   * The SKUs this connection's orders name (with a title seen for each), for APIs that
   * look products up by SKU (`productsBy: 'sku'`).
   */
  knownSkus?: (() => Promise<KnownSku[]>) | undefined;
}

export interface MarketplaceClient {
  readonly marketplace: Marketplace;
  /** Requests and throttling so far (this client's lifetime: one sync run). */
  readonly stats: ApiStats;
  /**
   * How the API gives products: `catalog` lists them (read first, so order items link
   * as they are written); `sku` looks them up by SKU (Flipkart, Amazon): orders come
   * first and their pages carry the products they name, then the products stream
   * refreshes the other SKUs the connection's orders name.
   */
  readonly productsBy: 'catalog' | 'sku';
  products(cursor: StreamCursor | undefined, options?: ReadOptions): AsyncIterable<Page<ProductRow>>;
  orders(cursor: StreamCursor | undefined, options?: ReadOptions): AsyncIterable<OrderPage>;
  /** Returns reported apart from orders (Amazon's reports); absent where orders carry them. */
  returns?(cursor: StreamCursor | undefined, options?: ReadOptions): AsyncIterable<Page<ReturnRow>>;
}

/**
 * The Flipkart MarketplaceClient (Seller API under `/sellers`).
 *
 * Orders: Flipkart lists shipments, not orders, with a state per order item; a filter
 * names one type (preDispatch, postDispatch, cancelled per cancellation type) and its
 * states. The client walks `modifiedDate` windows from the cursor (minus an overlap)
 * or, for a backfill, from `backfillDays` ago (a window that finds nothing doubles the
 * next one), runs every filter over each window and
 * follows `nextPageUrl`. That yields the ids of the orders that changed; their current
 * shipments are then looked up by order id (100 a call), so every order is written
 * whole, with all its items across shipments and states. The cursor is the newest
 * shipment updated-at seen, committed with the last page of each window.
 *
 * Products: the listings of the SKUs the orders name (an orders page carries those of
 * its SKUs not read yet in the run). Returns: completed customer and
 * courier returns from `/v2/returns`, following `nextUrl`.
 *
 * Flipkart publishes no rate limits: requests are paced by an adaptive limiter with a
 * configurable ceiling that halves on 429.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../db/entities/marketplace-connection.entity.ts';
import { normalizeSku } from '../../sync/normalize-sku.ts';
import type { OrderRow, ProductRow, ReturnRow } from '../../sync/unified-rows.ts';
import { AdaptiveLimiter } from '../adaptive-limiter.ts';
import { type ApiStats, emptyStats } from '../api-stats.ts';
import { decimalFromJson } from '../json-money.ts';
import type { MarketplaceClient, OrderPage, Page, ReadOptions } from '../marketplace-client.ts';
import { MarketplaceError } from '../marketplace-error.ts';
import { MarketplaceHttp } from '../marketplace-http.ts';
import type { CommonClientOptions } from '../marketplace-provider.ts';
import { DEFAULT_BACKFILL_DAYS } from '../marketplace-provider.ts';
import { type KnownSku, ProductsBySku } from '../products-by-sku.ts';
import type { FlipkartApp } from './flipkart-app.ts';
import { mapFlipkartOrder, type RawFlipkartItem } from './flipkart-order-mapper.ts';

export interface FlipkartClientOptions extends CommonClientOptions {
  app: FlipkartApp;
  /** Requests per second at most (Flipkart publishes none). */
  maxRatePerS?: number;
  windowDays?: number;
  /** Orders per written page. */
  pageSize?: number;
}

const DAY = 86_400_000;
const LOOKUP_IDS = 100;
const LISTING_SKUS = 10;
const RETURN_SOURCES = ['customer_return', 'courier_return'] as const;

const returnsPage = z.object({
  hasMore: z.boolean().optional(),
  nextUrl: z.string().nullish(),
  returnItems: z.array(z.unknown()),
});
const returnSchema = z.object({
  orderId: z.string().min(1),
  orderItemId: z.string().min(1),
  quantity: z.number().int().min(1),
  status: z.string(),
  updatedDate: z.iso.datetime({ offset: true }),
});

const listingsResponse = z.object({
  available: z.record(z.string(), z.unknown()),
  unavailable: z.array(z.string()).optional(),
});
const listingSchema = z.object({
  listing_id: z.string().min(1),
  listing_status: z.string(),
  price: z.object({ selling_price: z.number(), currency: z.string().length(3).optional() }),
  locations: z.array(z.object({ inventory: z.number().int().nullish() })),
});

/** Every filter Flipkart needs to see every item state once. */
export const SHIPMENT_FILTERS = [
  {
    type: 'preDispatch',
    states: ['APPROVED', 'PACKING_IN_PROGRESS', 'PACKED', 'FORM_FAILED', 'READY_TO_DISPATCH'],
  },
  { type: 'postDispatch', states: ['SHIPPED', 'DELIVERED', 'PICKUP_COMPLETE'] },
  { type: 'cancelled', states: ['CANCELLED'], cancellationType: 'sellerCancellation' },
  { type: 'cancelled', states: ['CANCELLED'], cancellationType: 'buyerCancellation' },
  { type: 'cancelled', states: ['CANCELLED'], cancellationType: 'marketplaceCancellation' },
] as const;

const shipmentsPage = z.object({
  hasMore: z.boolean().optional(),
  nextPageUrl: z.string().nullish(),
  shipments: z.array(
    z.object({
      updatedAt: z.unknown(),
      orderItems: z.array(z.looseObject({ orderId: z.string() })),
    }),
  ),
});

export class FlipkartClient implements MarketplaceClient {
  readonly marketplace = 'flipkart' as const;
  readonly productsBy = 'sku' as const;
  readonly stats: ApiStats = emptyStats();
  readonly #o: Required<Omit<FlipkartClientOptions, 'signal' | 'retry'>>;
  readonly #http: MarketplaceHttp;
  readonly #products = new ProductsBySku((skus) => this.#listings(skus));

  constructor(options: FlipkartClientOptions) {
    this.#o = {
      maxRatePerS: 8,
      overlapMs: 10 * 60_000,
      backfillDays: DEFAULT_BACKFILL_DAYS,
      windowDays: 30,
      pageSize: 1000,
      timeoutMs: 60_000,
      now: Date.now,
      ...options,
    };
    this.#http = new MarketplaceHttp({
      marketplace: 'flipkart',
      baseURL: `${options.app.baseUrl}/sellers`,
      timeoutMs: this.#o.timeoutMs,
      stats: this.stats,
      tokens: options.tokens,
      authHeaders: (token) => ({ authorization: `Bearer ${token}` }),
      retry: options.retry,
      signal: options.signal,
      pacer: new AdaptiveLimiter(this.#o.maxRatePerS),
    });
  }

  async *orders(cursor: StreamCursor | undefined, options?: ReadOptions): AsyncGenerator<OrderPage> {
    for await (const page of this.#orderPages(cursor)) yield await this.#products.withProducts(page, options);
  }

  async *#orderPages(cursor: StreamCursor | undefined): AsyncGenerator<Page<OrderRow>> {
    const now = this.#o.now();
    let from = cursor?.updatedAt ? Date.parse(cursor.updatedAt) - this.#o.overlapMs : now - this.#o.backfillDays * DAY;
    let committed: StreamCursor = cursor ?? {};
    let windowMs = this.#o.windowDays * DAY;
    while (from < now) {
      const to = Math.min(now, from + windowMs);
      const ids = await this.#changedOrderIds(from, to);
      // quiet stretches (the years before a seller's first order) are crossed in growing steps
      windowMs = ids.size === 0 ? Math.min(windowMs * 2, 365 * DAY) : this.#o.windowDays * DAY;
      let newest = committed.updatedAt ?? '';
      let page: Page<OrderRow> = { rows: [], quarantined: [], cursor: committed };
      const batches = chunk([...ids], LOOKUP_IDS);
      for (const [n, batch] of batches.entries()) {
        for (const [orderId, items] of await this.#lookup(batch)) {
          const mapped = mapFlipkartOrder(orderId, items);
          if ('row' in mapped) {
            page.rows.push(mapped.row);
            const updated = mapped.row.sourceUpdatedAt.toISOString();
            if (updated > newest) newest = updated;
          } else page.quarantined.push(mapped.quarantined);
        }
        const last = n === batches.length - 1;
        if (last || page.rows.length + page.quarantined.length >= this.#o.pageSize) {
          if (last && newest) committed = { updatedAt: newest };
          page.cursor = committed;
          yield page;
          page = { rows: [], quarantined: [], cursor: committed };
        }
      }
      from = to;
    }
  }

  /** Listings of the SKUs the connection's orders name that this run has not read. */
  products(_cursor: StreamCursor | undefined, options?: ReadOptions): AsyncGenerator<Page<ProductRow>> {
    return this.#products.rest(options);
  }

  /**
   * Listings of these SKUs (10 a call): price, status and inventory summed over
   * locations; a SKU Flipkart does not list has no row.
   */
  async #listings(known: KnownSku[]): Promise<Omit<Page<ProductRow>, 'cursor'>> {
    const titles = new Map(known.map((k) => [k.sku, k.title]));
    const out: Omit<Page<ProductRow>, 'cursor'> = { rows: [], quarantined: [] };
    for (const skus of chunk([...titles.keys()], LISTING_SKUS)) {
      const { data } = await this.#http.request({
        method: 'GET',
        url: `/listings/v3/${skus.map(encodeURIComponent).join(',')}`,
      });
      const parsed = listingsResponse.safeParse(data);
      if (!parsed.success) throw new MarketplaceError('flipkart', 'unknown', 'Flipkart listings of an unknown shape');
      for (const [sku, raw] of Object.entries(parsed.data.available)) {
        const listing = listingSchema.safeParse(raw);
        if (!listing.success) {
          out.quarantined.push({
            externalId: sku,
            reason: `listing: ${listing.error.issues[0]?.message}`,
            payload: raw,
          });
          continue;
        }
        const l = listing.data;
        out.rows.push({
          externalId: l.listing_id,
          title: titles.get(sku) ?? sku,
          sku,
          normalizedSku: normalizeSku(sku),
          category: null,
          price: decimalFromJson(l.price.selling_price) ?? null,
          currency: l.price.currency ?? 'INR',
          inventory: l.locations.reduce((sum, loc) => sum + (loc.inventory ?? 0), 0),
          status: l.listing_status,
          imageUrl: null,
          sourceUpdatedAt: null,
        });
      }
    }
    return out;
  }

  /**
   * Completed returns (customer and courier) changed since the cursor: the units that
   * came back, applied to their items. Returns still open show on the items already
   * (RETURN_REQUESTED) and change nothing here.
   */
  async *returns(cursor: StreamCursor | undefined, _options?: ReadOptions): AsyncGenerator<Page<ReturnRow>> {
    const since = cursor?.updatedAt
      ? Date.parse(cursor.updatedAt) - this.#o.overlapMs
      : this.#o.now() - this.#o.backfillDays * DAY;
    let newest = cursor?.updatedAt ?? '';
    for (const source of RETURN_SOURCES) {
      let response = await this.#http.request({
        method: 'GET',
        url: '/v2/returns',
        params: { source, modifiedAfter: new Date(since).toISOString() },
      });
      for (;;) {
        const parsed = returnsPage.safeParse(response.data);
        if (!parsed.success)
          throw new MarketplaceError('flipkart', 'unknown', 'Flipkart returns page of an unknown shape');
        const page: Page<ReturnRow> = { rows: [], quarantined: [], cursor: cursor ?? {} };
        for (const raw of parsed.data.returnItems) {
          const r = returnSchema.safeParse(raw);
          if (!r.success) {
            page.quarantined.push({ externalId: null, reason: `return: ${r.error.issues[0]?.message}`, payload: raw });
            continue;
          }
          const updated = new Date(r.data.updatedDate).toISOString();
          if (updated > newest) newest = updated;
          if (r.data.status !== 'completed') continue;
          page.rows.push({
            externalOrderId: r.data.orderId,
            externalItemId: r.data.orderItemId,
            quantity: r.data.quantity,
            returnedAt: new Date(r.data.updatedDate),
            sourceStatus: r.data.status,
          });
        }
        const last = !parsed.data.hasMore || !parsed.data.nextUrl;
        // the cursor moves once both sources are read to the end
        if (last && source === RETURN_SOURCES.at(-1) && newest) page.cursor = { updatedAt: newest };
        if (page.rows.length || page.quarantined.length || page.cursor !== cursor) yield page;
        if (last) break;
        response = await this.#http.request({ method: 'GET', url: parsed.data.nextUrl as string });
      }
    }
  }

  /** Ids of orders with a shipment modified in [from, to), over every filter. */
  async #changedOrderIds(from: number, to: number): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const filter of SHIPMENT_FILTERS) {
      let response = await this.#http.request({
        method: 'POST',
        url: '/v3/shipments/filter',
        data: {
          filter: { ...filter, modifiedDate: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } },
          pagination: { pageSize: 20 },
        },
      });
      for (;;) {
        const page = shipmentsPage.safeParse(response.data);
        if (!page.success)
          throw new MarketplaceError('flipkart', 'unknown', 'Flipkart shipments page of an unknown shape');
        for (const s of page.data.shipments) for (const item of s.orderItems) ids.add(item.orderId);
        if (!page.data.hasMore || !page.data.nextPageUrl) break;
        response = await this.#http.request({ method: 'GET', url: page.data.nextPageUrl });
      }
    }
    return ids;
  }

  /** Current shipments of these orders, grouped as each order's items. */
  async #lookup(orderIds: string[]): Promise<Map<string, RawFlipkartItem[]>> {
    const { data } = await this.#http.request({
      method: 'GET',
      url: '/v3/shipments',
      params: { orderIds: orderIds.join(',') },
    });
    const parsed = shipmentsPage.safeParse(data);
    if (!parsed.success)
      throw new MarketplaceError('flipkart', 'unknown', 'Flipkart shipments lookup of an unknown shape');
    const byOrder = new Map<string, RawFlipkartItem[]>(orderIds.map((id) => [id, []]));
    for (const s of parsed.data.shipments) {
      for (const item of s.orderItems) byOrder.get(item.orderId)?.push({ item, shipmentUpdatedAt: s.updatedAt });
    }
    for (const [id, items] of byOrder) if (items.length === 0) byOrder.delete(id);
    return byOrder;
  }
}

function chunk<T>(values: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/**
 * The Amazon MarketplaceClient (Selling Partner API, region host of the seller's
 * marketplace, `x-amz-access-token` from Login with Amazon).
 *
 * Orders: history comes from the all-orders-by-last-update report, one report per
 * 28-day window (Amazon allows 30), several requested ahead so Amazon prepares them
 * while the client reads; a 50,000-order year is about 13 reports, not 500 pages of
 * searchOrders at 0.0056 requests a second. Rows of one order are contiguous; each
 * order is mapped whole. A page's cursor names the report and the orders read from
 * it, so a stopped backfill resumes inside its report; a finished report moves the
 * cursor to the report's end. The flat file cannot tell pre-orders from pending ones:
 * one searchOrders call first lists the PENDING_AVAILABILITY orders, whose rows then
 * stand in for the report's. Deltas
 * (a cursor less than `deltaByReportAfterDays` old) page searchOrders 2026-01-01 by
 * `lastUpdatedAfter`; Amazon bounds the read at two minutes before the request and
 * states the bound, which becomes the cursor.
 *
 * Returns: the merchant (≤ 60 days a report) and FBA customer returns reports, window
 * by window up to where this run's orders reached (a return never lands before its
 * order). Products: Listings Items for the SKUs the orders name (an orders page carries
 * those of its SKUs not read yet in the run), FBA quantities from the inventory summaries.
 *
 * Every operation has its own token bucket at the published rate and burst, adopting
 * the rate Amazon states on its answers (`x-amzn-RateLimit-Limit`); `rateScale`
 * multiplies the rates (tests). No buyer PII is
 * requested: no BUYER or RECIPIENT data, and the report's ship-to columns are ignored.
 */
import type { AxiosResponse } from 'axios';
import { z } from 'zod';
import type { StreamCursor } from '../../db/entities/marketplace-connection.entity.ts';
import { normalizeSku } from '../../sync/normalize-sku.ts';
import type { OrderRow, ProductRow, ReturnRow } from '../../sync/unified-rows.ts';
import { type ApiStats, emptyStats } from '../api-stats.ts';
import type { MarketplaceClient, OrderPage, Page, ReadOptions } from '../marketplace-client.ts';
import { isMarketplaceError, MarketplaceError } from '../marketplace-error.ts';
import { MarketplaceHttp } from '../marketplace-http.ts';
import { type CommonClientOptions, DEFAULT_BACKFILL_DAYS } from '../marketplace-provider.ts';
import { ProductsBySku } from '../products-by-sku.ts';
import { TokenBucketPacer } from '../token-bucket-pacer.ts';
import { type AmazonApp, amazonRegionOf } from './amazon-app.ts';
import { type Mapped, mapApiOrder, mapReportOrder } from './amazon-order-mapper.ts';
import {
  AmazonReportReader,
  type FinishedReport,
  iso,
  REPORT_TYPES,
  type ReportType,
  type ReportWindow,
  reportWindows,
} from './amazon-report-reader.ts';

export interface AmazonClientOptions extends CommonClientOptions {
  app: AmazonApp;
  /** The seller's marketplace (the connection's region column). */
  marketplaceId: string;
  /** The selling partner id (the connection's account). */
  sellerId: string;
  /** Multiplies every published rate (sandboxes without limits, benchmarks). */
  rateScale?: number;
  /** First wait between report polls (grows by half each poll to 60 s). */
  reportPollMs?: number;
  /** A cursor older than this reads its delta from reports instead of searchOrders. */
  deltaByReportAfterDays?: number;
  /** Reports requested before the one being read is done. */
  reportsAhead?: number;
  /** Orders per written page. */
  pageSize?: number;
}

const DAY = 86_400_000;
const ORDER_WINDOW_DAYS = 28;
const RETURNS_WINDOW_DAYS = 58;

/** Published rate (requests/s) and burst per operation. */
export const AMAZON_LIMITS = {
  searchOrders: [0.0056, 20],
  createReport: [0.0167, 15],
  getReport: [2, 15],
  getReportDocument: [0.0167, 15],
  getListingsItem: [5, 10],
  getInventorySummaries: [2, 2],
} as const satisfies Record<string, readonly [number, number]>;
type Operation = keyof typeof AMAZON_LIMITS;

const searchPage = z.object({
  orders: z.array(z.unknown()),
  pagination: z.object({ nextToken: z.string().nullish() }).nullish(),
  lastUpdatedBefore: z.string().nullish(),
});
const listingSchema = z.object({
  sku: z.string().min(1),
  summaries: z
    .array(
      z.object({
        itemName: z.string().nullish(),
        productType: z.string().nullish(),
        status: z.array(z.string()).nullish(),
        lastUpdatedDate: z.iso.datetime({ offset: true }).nullish(),
        mainImage: z.object({ link: z.string() }).nullish(),
      }),
    )
    .nullish(),
  offers: z
    .array(z.object({ price: z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currencyCode: z.string() }) }))
    .nullish(),
  fulfillmentAvailability: z
    .array(z.object({ fulfillmentChannelCode: z.string(), quantity: z.number().int().nullish() }))
    .nullish(),
});
const inventoryPage = z.object({
  payload: z.object({
    inventorySummaries: z.array(
      z.object({ sellerSku: z.string().nullish(), totalQuantity: z.number().int().nullish() }),
    ),
  }),
  pagination: z.object({ nextToken: z.string().nullish() }).nullish(),
});
const merchantReturn = z.object({
  'Order ID': z.string().min(1),
  'Return request date': z.iso.datetime({ offset: true }),
  'Return request status': z.string(),
  ASIN: z.string(),
  'Merchant SKU': z.string(),
  'Return quantity': z.coerce.number().int().min(1),
});
const fbaReturn = z.object({
  'return-date': z.iso.datetime({ offset: true }),
  'order-id': z.string().min(1),
  sku: z.string(),
  asin: z.string(),
  quantity: z.coerce.number().int().min(1),
  status: z.string(),
});

/**
 * A read through reports not finished yet: inside a report (its id and the orders
 * read from it), or between two (no report id).
 */
const positionSchema = z.object({ reportId: z.string().optional(), orders: z.number().int().min(0).optional() });
type Position = z.infer<typeof positionSchema>;

/** SP-API refuses an expired or invalid token with 403 Unauthorized (401 elsewhere). */
export function spApiTokenRejected(response: AxiosResponse): boolean {
  if (response.status === 401) return true;
  if (response.status !== 403) return false;
  const error = (response.data as { errors?: { code?: string; details?: string; message?: string }[] } | undefined)
    ?.errors?.[0];
  return (
    error?.code === 'Unauthorized' &&
    /access token[^.]*\b(expired|revoked|invalid|malformed|missing)/i.test(
      `${error.details ?? ''} ${error.message ?? ''}`,
    )
  );
}

export class AmazonClient implements MarketplaceClient {
  readonly marketplace = 'amazon' as const;
  readonly productsBy = 'sku' as const;
  readonly stats: ApiStats = emptyStats();
  readonly #o: Required<Omit<AmazonClientOptions, 'signal' | 'retry'>>;
  readonly #http: MarketplaceHttp;
  readonly #reports: AmazonReportReader;
  readonly #pacers: Record<Operation, TokenBucketPacer>;
  /** Up to where (Amazon's clock) this run's orders are read: returns stop there. */
  #ordersReadUntil: number | undefined;
  /** The oldest order date this run read, when it read the whole history. */
  #oldestOrder: number | undefined;
  #readWholeHistory = false;
  readonly #products = new ProductsBySku((skus) => this.#listings(skus));
  #fba: Promise<Map<string, number>> | undefined;

  constructor(options: AmazonClientOptions) {
    this.#o = {
      rateScale: 1,
      reportPollMs: 250,
      backfillDays: DEFAULT_BACKFILL_DAYS,
      overlapMs: 10 * 60_000,
      deltaByReportAfterDays: 7,
      reportsAhead: 8,
      pageSize: 5000,
      timeoutMs: 60_000,
      now: Date.now,
      ...options,
    };
    const scale = this.#o.rateScale;
    this.#pacers = Object.fromEntries(
      Object.entries(AMAZON_LIMITS).map(([op, [rate, burst]]) => [
        op,
        new TokenBucketPacer(rate, burst, { stats: this.stats, scale, rateHeader: 'x-amzn-RateLimit-Limit' }),
      ]),
    ) as Record<Operation, TokenBucketPacer>;
    const base = { marketplace: 'amazon' as const, timeoutMs: this.#o.timeoutMs, stats: this.stats };
    this.#http = new MarketplaceHttp({
      ...base,
      baseURL: options.app.spApiUrl(amazonRegionOf(options.marketplaceId)),
      tokens: options.tokens,
      authHeaders: (token) => ({ 'x-amz-access-token': token }),
      tokenRejected: spApiTokenRejected,
      retry: options.retry,
      signal: options.signal,
    });
    this.#reports = new AmazonReportReader({
      api: this.#http,
      // report documents live at presigned storage URLs: no token goes there
      files: new MarketplaceHttp({ ...base, baseURL: '', retry: options.retry, signal: options.signal }),
      marketplaceId: options.marketplaceId,
      pacers: this.#pacers,
      pollMs: this.#o.reportPollMs,
      maxPollMs: Math.max(this.#o.reportPollMs, 60_000),
    });
  }

  async *orders(cursor: StreamCursor | undefined, options?: ReadOptions): AsyncGenerator<OrderPage> {
    const since = cursor?.updatedAt ? Date.parse(cursor.updatedAt) : undefined;
    const position = parsePosition(cursor?.position);
    // how long since the last read, on this machine's clock (the cursor is on Amazon's)
    const lastRead = cursor?.committedAt ? Date.parse(cursor.committedAt) : since;
    let pages: AsyncGenerator<Page<OrderRow>>;
    if (since === undefined || position || this.#o.now() - (lastRead ?? 0) > this.#o.deltaByReportAfterDays * DAY) {
      this.#readWholeHistory = since === undefined && !position;
      pages = this.#ordersFromReports(cursor ?? {}, since, position);
    } else {
      pages = this.#ordersFromSearch(cursor ?? {}, since - this.#o.overlapMs);
    }
    for await (const page of pages) yield await this.#products.withProducts(page, options);
  }

  /** Report windows from the cursor (or the backfill start) to Amazon's now. */
  async *#ordersFromReports(
    cursor: StreamCursor,
    since: number | undefined,
    position: Position | undefined,
  ): AsyncGenerator<Page<OrderRow>> {
    const now = this.#o.now();
    const from = since !== undefined ? since - this.#o.overlapMs : now - this.#o.backfillDays * DAY;
    let committed: StreamCursor = { ...(cursor.updatedAt ? { updatedAt: cursor.updatedAt } : {}) };
    // the flat file reads pre-orders as "Pending": their own status comes from searchOrders
    const preorders = new Map<string, OrderRow>();
    // Amazon bounds the search two minutes before its own now: the clock report windows go by
    let amazonNow = now;
    for await (const page of this.#search(committed, from, ['PENDING_AVAILABILITY'])) {
      for (const row of page.rows) preorders.set(row.externalOrderId, row);
      if (page.cursor.updatedAt && page.cursor !== committed) amazonNow = Date.parse(page.cursor.updatedAt) + 120_000;
    }
    const resumed = position?.reportId ? await this.#resumable(position.reportId) : undefined;
    if (resumed) {
      for await (const page of this.#reportOrders(resumed, committed, position?.orders ?? 0, preorders, false)) {
        yield page;
        committed = page.cursor;
      }
    }
    const start = resumed ? Date.parse(resumed.dataEndTime) : from;
    const queue = this.#reportQueue(REPORT_TYPES.orders, reportWindows(start, amazonNow, ORDER_WINDOW_DAYS, true));
    for (let report = await queue.next(); report; report = await queue.next()) {
      for await (const page of this.#reportOrders(report, committed, 0, preorders, queue.empty())) {
        yield page;
        committed = page.cursor;
      }
    }
    this.#ordersReadUntil = committed.updatedAt ? Date.parse(committed.updatedAt) : undefined;
  }

  /**
   * One finished report's orders, `skip` orders in (a resumed page), cut into pages;
   * the last page's cursor is the report's end.
   */
  async *#reportOrders(
    report: FinishedReport,
    committed: StreamCursor,
    skip: number,
    preorders: Map<string, OrderRow>,
    last: boolean,
  ): AsyncGenerator<Page<OrderRow>> {
    // after the last report the cursor is a plain updated-at: the next read is a delta
    const end: StreamCursor = {
      updatedAt: report.dataEndTime,
      ...(last ? {} : { position: JSON.stringify({}) }),
    };
    if (report.status === 'CANCELLED' || !report.documentId) {
      yield { rows: [], quarantined: [], cursor: end };
      return;
    }
    let done = 0;
    let page: Page<OrderRow> = { rows: [], quarantined: [], cursor: committed };
    const add = (mapped: Mapped) => {
      done++;
      if (done <= skip) return;
      if (!('row' in mapped)) return void page.quarantined.push(mapped.quarantined);
      const preorder = preorders.get(mapped.row.externalOrderId);
      page.rows.push(preorder && preorder.sourceUpdatedAt >= mapped.row.sourceUpdatedAt ? preorder : mapped.row);
      const placed = mapped.row.orderedAt.getTime();
      if (this.#oldestOrder === undefined || placed < this.#oldestOrder) this.#oldestOrder = placed;
    };
    let orderId: string | undefined;
    let rows: Record<string, string>[] = [];
    for await (const row of this.#reports.rows(report.documentId)) {
      const id = row['amazon-order-id'] ?? '';
      if (id !== orderId && rows.length) {
        add(mapReportOrder(orderId as string, rows));
        rows = [];
        if (page.rows.length + page.quarantined.length >= this.#o.pageSize) {
          page.cursor = { ...committed, position: JSON.stringify({ reportId: report.reportId, orders: done }) };
          yield page;
          page = { rows: [], quarantined: [], cursor: committed };
        }
      }
      orderId = id;
      rows.push(row);
    }
    if (rows.length) add(mapReportOrder(orderId as string, rows));
    page.cursor = end;
    yield page;
  }

  /** The report a stopped backfill was reading, if Amazon still has it. */
  async #resumable(reportId: string): Promise<FinishedReport | undefined> {
    try {
      return await this.#reports.finish(reportId);
    } catch (error) {
      if (isMarketplaceError(error) && error.kind !== 'auth_revoked') return undefined;
      throw error;
    }
  }

  /**
   * Requests reports `reportsAhead` at a time (createReport's burst is 15) and hands
   * them out finished, in window order.
   */
  #reportQueue(type: ReportType, initial: ReportWindow[]) {
    const windows = [...initial];
    const requested: Promise<string>[] = [];
    const fill = () => {
      while (requested.length < this.#o.reportsAhead && windows.length) {
        const window = windows.shift() as ReportWindow;
        const previous = requested.at(-1) ?? Promise.resolve('');
        // one createReport at a time, in window order
        const id = previous.catch(() => '').then(() => this.#reports.create(type, window));
        id.catch(() => {}); // a failure surfaces when the report is awaited, not as unhandled
        requested.push(id);
      }
    };
    return {
      /** Nothing left to hand out after the current report. */
      empty: () => windows.length === 0 && requested.length === 0,
      next: async (): Promise<FinishedReport | undefined> => {
        fill();
        const id = requested.shift();
        if (!id) return undefined;
        const reportId = await id;
        fill();
        return this.#reports.finish(reportId);
      },
    };
  }

  /** A delta from searchOrders: every order updated since `after`, up to Amazon's bound. */
  async *#ordersFromSearch(cursor: StreamCursor, after: number): AsyncGenerator<Page<OrderRow>> {
    let committed = cursor;
    for await (const page of this.#search(cursor, after, [])) {
      committed = page.cursor;
      yield page;
    }
    this.#ordersReadUntil = committed.updatedAt ? Date.parse(committed.updatedAt) : undefined;
  }

  /** searchOrders pages; the last carries the bound Amazon read up to as its cursor. */
  async *#search(cursor: StreamCursor, after: number, statuses: string[]): AsyncGenerator<Page<OrderRow>> {
    const params: Record<string, string> = {
      marketplaceIds: this.#o.marketplaceId,
      lastUpdatedAfter: iso(after),
      // PROCEEDS: the items' price, promotions, shipping and tax (net sales and what the buyer paid)
      includedData: 'FULFILLMENT,PROCEEDS,PACKAGES',
      maxResultsPerPage: '100',
      ...(statuses.length ? { fulfillmentStatuses: statuses.join(',') } : {}),
    };
    let token: string | undefined;
    let newest = cursor.updatedAt ?? '';
    do {
      const { data } = await this.#http.request(
        {
          method: 'GET',
          url: '/orders/2026-01-01/orders',
          params: token ? { ...params, paginationToken: token } : params,
        },
        { pacer: this.#pacers.searchOrders },
      );
      const parsed = searchPage.safeParse(data);
      if (!parsed.success) throw new MarketplaceError('amazon', 'unknown', 'searchOrders answered in an unknown shape');
      const page: Page<OrderRow> = { rows: [], quarantined: [], cursor };
      for (const raw of parsed.data.orders) {
        const mapped = mapApiOrder(raw);
        if ('row' in mapped) {
          page.rows.push(mapped.row);
          const updated = mapped.row.sourceUpdatedAt.toISOString();
          if (updated > newest) newest = updated;
        } else page.quarantined.push(mapped.quarantined);
      }
      token = parsed.data.pagination?.nextToken ?? undefined;
      if (!token) {
        const bound = parsed.data.lastUpdatedBefore ? new Date(parsed.data.lastUpdatedBefore).toISOString() : newest;
        if (bound) page.cursor = { updatedAt: bound };
      }
      yield page;
    } while (token);
  }

  /**
   * Returns from the merchant and FBA returns reports, window by window: units back as
   * Amazon counts them (merchant at the request, FBA once received), summed per item.
   */
  async *returns(cursor: StreamCursor | undefined, _options?: ReadOptions): AsyncGenerator<Page<ReturnRow>> {
    const now = this.#o.now();
    const until = this.#ordersReadUntil;
    let from = cursor?.updatedAt ? Date.parse(cursor.updatedAt) - this.#o.overlapMs : now - this.#o.backfillDays * DAY;
    if (!cursor?.updatedAt && until !== undefined && this.#readWholeHistory) {
      // the whole history was just read: no return before its oldest order, none without orders
      if (this.#oldestOrder === undefined) {
        yield { rows: [], quarantined: [], cursor: { updatedAt: new Date(until).toISOString() } };
        return;
      }
      from = Math.max(from, this.#oldestOrder - DAY);
    }
    if (until !== undefined && until <= from) return;
    const windows = reportWindows(from, until ?? now, RETURNS_WINDOW_DAYS, until === undefined);
    const merchant = this.#reportQueue(REPORT_TYPES.merchantReturns, windows);
    const fba = this.#reportQueue(REPORT_TYPES.fbaReturns, windows);
    for (;;) {
      const m = await merchant.next();
      const f = await fba.next();
      if (!m || !f) break;
      const rows = new Map<string, ReturnRow>();
      const page: Page<ReturnRow> = { rows: [], quarantined: [], cursor: cursor ?? {} };
      await this.#readReturns(m, merchantReturn, rows, page, (r) => ({
        orderId: r['Order ID'],
        item: r['Merchant SKU'] || r.ASIN,
        quantity: r['Return quantity'],
        at: r['Return request date'],
        status: r['Return request status'],
      }));
      await this.#readReturns(f, fbaReturn, rows, page, (r) => ({
        orderId: r['order-id'],
        item: r.sku || r.asin,
        quantity: r.quantity,
        at: r['return-date'],
        status: r.status,
      }));
      page.rows = [...rows.values()];
      const end = Math.min(Date.parse(m.dataEndTime), Date.parse(f.dataEndTime));
      page.cursor = { updatedAt: new Date(end).toISOString() };
      yield page;
    }
  }

  async #readReturns<S extends z.ZodType>(
    report: FinishedReport,
    schema: S,
    into: Map<string, ReturnRow>,
    page: Page<ReturnRow>,
    fields: (r: z.infer<S>) => { orderId: string; item: string; quantity: number; at: string; status: string },
  ): Promise<void> {
    if (!report.documentId) return;
    for await (const raw of this.#reports.rows(report.documentId)) {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        page.quarantined.push({
          externalId: raw['Order ID'] ?? raw['order-id'] ?? null,
          reason: `return: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
          payload: raw,
        });
        continue;
      }
      const r = fields(parsed.data);
      const key = `${r.orderId}\t${r.item}`;
      const seen = into.get(key);
      into.set(key, {
        externalOrderId: r.orderId,
        externalItemId: r.item || null,
        quantity: (seen?.quantity ?? 0) + r.quantity,
        returnedAt: new Date(Math.max(seen?.returnedAt.getTime() ?? 0, Date.parse(r.at))),
        sourceStatus: r.status,
      });
    }
  }

  /**
   * Listings of the SKUs the orders name (Listings Items, one call a SKU at 5/s), with
   * FBA quantities from the inventory summaries; read in full every run.
   */
  products(_cursor: StreamCursor | undefined, options?: ReadOptions): AsyncGenerator<Page<ProductRow>> {
    return this.#products.rest(options);
  }

  /** Listings Items of these SKUs (one call each); a SKU no longer listed has no row. */
  async #listings(skus: { sku: string; title: string }[]): Promise<Omit<Page<ProductRow>, 'cursor'>> {
    this.#fba ??= this.#fbaQuantities();
    const fba = await this.#fba;
    const out: Omit<Page<ProductRow>, 'cursor'> = { rows: [], quarantined: [] };
    for (const { sku, title } of skus) {
      let data: unknown;
      try {
        ({ data } = await this.#http.request(
          {
            method: 'GET',
            url: `/listings/2021-08-01/items/${encodeURIComponent(this.#o.sellerId)}/${encodeURIComponent(sku)}`,
            params: { marketplaceIds: this.#o.marketplaceId, includedData: 'summaries,offers,fulfillmentAvailability' },
          },
          { pacer: this.#pacers.getListingsItem },
        ));
      } catch (error) {
        if (!(isMarketplaceError(error) && error.kind === 'not_found')) throw error;
        continue;
      }
      const parsed = listingSchema.safeParse(data);
      if (parsed.success) out.rows.push(this.#product(parsed.data, title, fba));
      else
        out.quarantined.push({ externalId: sku, reason: `listing: ${parsed.error.issues[0]?.message}`, payload: data });
    }
    return out;
  }

  #product(l: z.infer<typeof listingSchema>, knownTitle: string, fba: Map<string, number>): ProductRow {
    const summary = l.summaries?.[0];
    const offer = l.offers?.[0];
    const merchantQuantity = l.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === 'DEFAULT')?.quantity;
    return {
      externalId: l.sku,
      title: summary?.itemName ?? knownTitle,
      sku: l.sku,
      normalizedSku: normalizeSku(l.sku),
      category: summary?.productType ?? null,
      price: offer?.price.amount ?? null,
      currency: offer?.price.currencyCode ?? null,
      inventory: fba.get(l.sku) ?? merchantQuantity ?? null,
      status: summary ? (summary.status?.includes('BUYABLE') ? 'ACTIVE' : 'INACTIVE') : null,
      imageUrl: summary?.mainImage?.link ?? null,
      sourceUpdatedAt: summary?.lastUpdatedDate ? new Date(summary.lastUpdatedDate) : null,
    };
  }

  /** Units Amazon holds for each FBA SKU. */
  async #fbaQuantities(): Promise<Map<string, number>> {
    const quantities = new Map<string, number>();
    let token: string | undefined;
    do {
      const { data } = await this.#http.request(
        {
          method: 'GET',
          url: '/fba/inventory/v1/summaries',
          params: {
            granularityType: 'Marketplace',
            granularityId: this.#o.marketplaceId,
            marketplaceIds: this.#o.marketplaceId,
            ...(token ? { nextToken: token } : {}),
          },
        },
        { pacer: this.#pacers.getInventorySummaries },
      );
      const parsed = inventoryPage.safeParse(data);
      if (!parsed.success)
        throw new MarketplaceError('amazon', 'unknown', 'FBA inventory answered in an unknown shape');
      for (const s of parsed.data.payload.inventorySummaries) {
        if (s.sellerSku) quantities.set(s.sellerSku, s.totalQuantity ?? 0);
      }
      token = parsed.data.pagination?.nextToken ?? undefined;
    } while (token);
    return quantities;
  }
}

function parsePosition(text: string | undefined): Position | undefined {
  if (!text) return undefined;
  try {
    const parsed = positionSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

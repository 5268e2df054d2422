/**
 * The Shopify MarketplaceClient (Admin GraphQL at the pinned version).
 *
 * Orders: changed since the cursor minus an overlap window, oldest change first
 * (sortKey UPDATED_AT, `updated_at:>=` search). The first request fetches a page and
 * the count of what changed; when more remains than `bulkThreshold`, the rest comes
 * from a bulk operation whose JSONL is streamed and cut into pages, otherwise pages
 * follow. Cursors advance to the last committed updated-at, so a killed run resumes
 * there (re-reading the overlap, which upserts make harmless).
 *
 * Returns: orders whose returnStatus says units came back get their returns read (by
 * id, after their page; nested in the bulk query), for the units returned per line.
 *
 * Products: one per variant, paged the same way.
 */
import type { StreamCursor } from '../../db/entities/marketplace-connection.entity.ts';
import type { Logger } from '../../logging/logger.ts';
import type { OrderRow, ProductRow } from '../../sync/unified-rows.ts';
import { type ApiStats, emptyStats } from '../api-stats.ts';
import { readJsonLines } from '../json-lines.ts';
import type { MarketplaceClient, Page, QuarantinedRecord, ReadOptions } from '../marketplace-client.ts';
import { MarketplaceError, sourceErrorCodes } from '../marketplace-error.ts';
import { MarketplaceHttp, type RetryPolicy } from '../marketplace-http.ts';
import { sleep } from '../sleep.ts';
import type { TokenManager } from '../token-manager.ts';
import type { ShopifyApp } from './shopify-app.ts';
import { ShopifyGraphql } from './shopify-graphql.ts';
import { mapShopifyOrder } from './shopify-order-mapper.ts';
import { mapShopifyProduct } from './shopify-product-mapper.ts';
import { QUERIES, type QueryName, withSearch } from './shopify-queries.ts';

export interface ShopifyClientOptions {
  shop: string;
  app: ShopifyApp;
  tokens: TokenManager;
  log: Logger;
  /**
   * Orders per GraphQL page: the query costs about 57 points per order (its money sets,
   * five lines with their discount allocations), and 1,000 is the cap.
   */
  pageSize?: number;
  /** Above this many remaining orders, a bulk operation reads them. */
  bulkThreshold?: number;
  /** Orders per page cut from a bulk file (one transaction each). */
  bulkPageSize?: number;
  /** Re-read this much before the cursor on every run (late commits, shared timestamps). */
  overlapMs?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

interface Connection<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}
type OrderNode = Record<string, unknown> & { id: string; updatedAt: string; lineItems: Connection<unknown> };
type ProductNode = Record<string, unknown> & { id: string; updatedAt: string; variants: Connection<unknown> };

/** A return as the mapper reads it: its returned lines as a list. */
type RawReturn = Record<string, unknown> & { id: unknown; returnLineItems: unknown[] };
type ReturnNode = Record<string, unknown> & { id: string; returnLineItems: Connection<unknown> };

/** returnStatus values that mean units came back: their orders' returns are read. */
const RETURNED = new Set(['RETURNED', 'INSPECTION_COMPLETE']);
const RETURNS_PER_REQUEST = 16;

const BULK_DONE = new Set(['COMPLETED', 'CANCELED', 'FAILED', 'EXPIRED', 'CANCELING']);

export class ShopifyClient implements MarketplaceClient {
  readonly marketplace = 'shopify' as const;
  readonly productsBy = 'catalog' as const;
  readonly stats: ApiStats = emptyStats();
  readonly #o: Required<Omit<ShopifyClientOptions, 'signal' | 'retry'>> & Pick<ShopifyClientOptions, 'signal'>;
  readonly #gql: ShopifyGraphql;
  readonly #files: MarketplaceHttp;

  constructor(options: ShopifyClientOptions) {
    this.#o = {
      pageSize: 16,
      bulkThreshold: 100,
      bulkPageSize: 5000,
      overlapMs: 120_000,
      timeoutMs: 60_000,
      ...options,
    };
    const http = new MarketplaceHttp({
      marketplace: 'shopify',
      baseURL: options.app.shopUrl(options.shop),
      timeoutMs: this.#o.timeoutMs,
      stats: this.stats,
      tokens: options.tokens,
      authHeaders: (token) => ({ 'x-shopify-access-token': token }),
      retry: options.retry,
      signal: options.signal,
    });
    this.#gql = new ShopifyGraphql(http, options.app.apiVersion, options.log);
    // bulk results live at signed storage URLs: no token goes there
    this.#files = new MarketplaceHttp({
      marketplace: 'shopify',
      baseURL: '',
      timeoutMs: this.#o.timeoutMs,
      stats: this.stats,
      retry: options.retry,
      signal: options.signal,
    });
  }

  async *orders(cursor: StreamCursor | undefined, _options?: ReadOptions): AsyncGenerator<Page<OrderRow>> {
    const search = this.#since(cursor);
    let after: string | null = null;
    let estimatedTotal: number | undefined;
    let seen = 0;
    for (;;) {
      const data: { ordersCount?: { count: number } | null; orders: Connection<OrderNode> } = await this.#gql.request(
        QUERIES['orders-page'],
        { first: this.#o.pageSize, after, query: search, withCount: after === null },
      );
      estimatedTotal ??= data.ordersCount?.count ?? undefined;
      const nodes = data.orders.nodes;
      seen += nodes.length;
      const page: Page<OrderRow> = { rows: [], quarantined: [], cursor: cursor ?? {}, estimatedTotal };
      const returns = await this.#returnsOf(nodes.filter((n) => RETURNED.has(String(n.returnStatus))).map((n) => n.id));
      for (const node of nodes) {
        const items = await this.#allNodes(node.id, node.lineItems, 'order-line-items', (d) => d.order?.lineItems);
        addMapped(page, mapShopifyOrder(node, items, returns.get(node.id)));
      }
      const last = nodes.at(-1);
      if (last) page.cursor = { updatedAt: last.updatedAt };
      if (nodes.length > 0) yield page;
      cursor = page.cursor;
      if (!data.orders.pageInfo.hasNextPage) return;
      after = data.orders.pageInfo.endCursor;
      if (estimatedTotal !== undefined && estimatedTotal - seen > this.#o.bulkThreshold && last) {
        yield* this.#bulkOrders(`updated_at:>='${last.updatedAt}'`, cursor, estimatedTotal);
        return;
      }
    }
  }

  async *products(cursor: StreamCursor | undefined, _options?: ReadOptions): AsyncGenerator<Page<ProductRow>> {
    const search = this.#since(cursor);
    let after: string | null = null;
    for (;;) {
      const data: { shop: { currencyCode: string }; products: Connection<ProductNode> } = await this.#gql.request(
        QUERIES['products-page'],
        { first: 40, after, query: search },
      );
      const page: Page<ProductRow> = { rows: [], quarantined: [], cursor: cursor ?? {} };
      for (const node of data.products.nodes) {
        const variants = await this.#allNodes(node.id, node.variants, 'product-variants', (d) => d.product?.variants);
        const mapped = mapShopifyProduct(node, variants, data.shop.currencyCode);
        if ('row' in mapped) page.rows.push(...mapped.row);
        else page.quarantined.push(mapped.quarantined);
      }
      const last = data.products.nodes.at(-1);
      if (last) page.cursor = { updatedAt: last.updatedAt };
      if (data.products.nodes.length > 0) yield page;
      cursor = page.cursor;
      if (!data.products.pageInfo.hasNextPage) return;
      after = data.products.pageInfo.endCursor;
    }
  }

  #since(cursor: StreamCursor | undefined): string | null {
    if (!cursor?.updatedAt) return null;
    const from = new Date(Date.parse(cursor.updatedAt) - this.#o.overlapMs).toISOString();
    return `updated_at:>='${from}'`;
  }

  /**
   * All nodes of a nested connection whose first page came with its parent: the rest
   * is asked for by the parent's id (`order-line-items`, `product-variants`).
   */
  async #allNodes(
    parentId: string,
    first: Connection<unknown> | undefined,
    query: QueryName,
    read: (data: Record<string, { [field: string]: Connection<unknown> } | null>) => Connection<unknown> | undefined,
  ): Promise<unknown[]> {
    const nodes = [...(first?.nodes ?? [])];
    let info = first?.pageInfo;
    while (info?.hasNextPage) {
      const next = read(await this.#gql.request(QUERIES[query], { id: parentId, after: info.endCursor }));
      if (!next) break;
      nodes.push(...next.nodes);
      info = next.pageInfo;
    }
    return nodes;
  }

  /**
   * The returns of these orders (those whose returnStatus says units came back), each
   * with its returned lines as a list, 16 orders a request. An order with more returns,
   * or longer ones, than that request reads is asked for again on its own.
   */
  async #returnsOf(orderIds: string[]): Promise<Map<string, RawReturn[]>> {
    const out = new Map<string, RawReturn[]>();
    for (let i = 0; i < orderIds.length; i += RETURNS_PER_REQUEST) {
      const data: { nodes: ({ id: string; returns: Connection<ReturnNode> } | null)[] } = await this.#gql.request(
        QUERIES['order-returns'],
        { ids: orderIds.slice(i, i + RETURNS_PER_REQUEST) },
      );
      for (const node of data.nodes) {
        if (!node?.returns) continue;
        const complete =
          !node.returns.pageInfo.hasNextPage &&
          node.returns.nodes.every((r) => !r.returnLineItems.pageInfo.hasNextPage);
        out.set(node.id, complete ? node.returns.nodes.map(flattenReturn) : await this.#allReturns(node.id));
      }
    }
    return out;
  }

  async #allReturns(orderId: string): Promise<RawReturn[]> {
    const all: RawReturn[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { order: { returns: Connection<ReturnNode> } | null } = await this.#gql.request(
        QUERIES['order-returns-more'],
        { id: orderId, after },
      );
      const returns = data.order?.returns;
      if (!returns) return all;
      for (const r of returns.nodes) {
        if (r.returnLineItems.pageInfo.hasNextPage) {
          this.#o.log.warn(
            { orderId, returnId: r.id },
            'a Shopify return has more than 25 lines: the rest are not counted',
          );
        }
        all.push(flattenReturn(r));
      }
      if (!returns.pageInfo.hasNextPage) return all;
      after = returns.pageInfo.endCursor;
    }
  }

  /**
   * Runs a bulk query, waits for it, and streams its JSONL: an order line, then its
   * line items and returns, each return followed by its returned lines (`__parentId`). The file is sorted by updated-at, so each page's last
   * updated-at is a safe cursor; should it ever arrive unsorted, the cursor stays put
   * until the file is done.
   */
  async *#bulkOrders(search: string, cursor: StreamCursor, estimatedTotal: number): AsyncGenerator<Page<OrderRow>> {
    const url = await this.#runBulk(withSearch(QUERIES['orders-bulk'], search));
    if (!url) return;
    const { data: body } = await this.#files.request<AsyncIterable<Buffer>>({
      method: 'GET',
      url,
      responseType: 'stream',
    });
    let page: Page<OrderRow> = { rows: [], quarantined: [], cursor, estimatedTotal };
    let order: { raw: Record<string, unknown>; items: unknown[]; returns: RawReturn[] } | undefined;
    let maxUpdated = cursor.updatedAt ?? '';
    let sorted = true;
    const finish = () => {
      if (!order) return;
      addMapped(page, mapShopifyOrder(order.raw, order.items, order.returns));
      const updated = typeof order.raw.updatedAt === 'string' ? order.raw.updatedAt : '';
      if (updated && Date.parse(updated) < Date.parse(maxUpdated || updated)) sorted = false;
      if (updated && (!maxUpdated || Date.parse(updated) > Date.parse(maxUpdated))) maxUpdated = updated;
      order = undefined;
    };
    const flush = () => {
      const out = page;
      out.cursor = sorted && maxUpdated ? { updatedAt: maxUpdated } : cursor;
      page = { rows: [], quarantined: [], cursor, estimatedTotal };
      return out;
    };
    for await (const line of readJsonLines(body)) {
      if ('malformed' in line) {
        page.quarantined.push({ externalId: null, reason: `bulk line: ${line.error}`, payload: line.malformed });
        continue;
      }
      const value = line.value as Record<string, unknown>;
      if (typeof value.__parentId === 'string') {
        if (!order || !adoptChild(order, value, value.__parentId)) {
          page.quarantined.push({
            externalId: value.__parentId,
            reason: 'a line item or return without its order',
            payload: value,
          });
        }
        continue;
      }
      finish();
      if (page.rows.length + page.quarantined.length >= this.#o.bulkPageSize) yield flush();
      order = { raw: value, items: [], returns: [] };
    }
    finish();
    // everything up to the newest record is now read, sorted or not
    sorted = true;
    if (page.rows.length + page.quarantined.length > 0) yield flush();
  }

  /** Starts a bulk query and polls until it ends; the result URL, or null when it found nothing. */
  async #runBulk(query: string): Promise<string | null> {
    const run: {
      bulkOperationRunQuery: {
        bulkOperation: { id: string } | null;
        userErrors: { message: string; code?: string | null }[];
      };
    } = await this.#gql.request(QUERIES['bulk-run'], { query });
    const { bulkOperation, userErrors } = run.bulkOperationRunQuery;
    if (!bulkOperation) {
      const message = userErrors.map((e) => e.message).join('; ') || 'no operation';
      const busy =
        /in progress|at most|already/i.test(message) || userErrors.some((e) => e.code === 'OPERATION_IN_PROGRESS');
      const codes = sourceErrorCodes({ errors: userErrors });
      throw new MarketplaceError('shopify', busy ? 'temporary' : 'unknown', `Shopify bulk query refused: ${message}`, {
        summary: `Shopify bulk query refused${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`,
      });
    }
    let delay = 100;
    for (;;) {
      await sleep(delay, this.#o.signal);
      delay = Math.min(5000, Math.round(delay * 1.5));
      const status: {
        bulkOperation: { status: string; errorCode: string | null; url: string | null; objectCount: string } | null;
      } = await this.#gql.request(QUERIES['bulk-status'], { id: bulkOperation.id });
      const op = status.bulkOperation;
      if (!op) throw new MarketplaceError('shopify', 'temporary', 'the bulk operation disappeared');
      if (!BULK_DONE.has(op.status)) continue;
      if (op.status !== 'COMPLETED') {
        throw new MarketplaceError(
          'shopify',
          'temporary',
          `bulk operation ${op.status} (${op.errorCode ?? 'no code'})`,
        );
      }
      return op.url;
    }
  }
}

/**
 * Files a bulk row under the order being read, by what its id names: a line item or a
 * return of the order, or a returned line of one of its returns. False: not its child.
 */
function adoptChild(
  order: { raw: Record<string, unknown>; items: unknown[]; returns: RawReturn[] },
  value: Record<string, unknown>,
  parentId: string,
): boolean {
  const type = /^gid:\/\/shopify\/(\w+)\//.exec(String(value.id))?.[1];
  if (type === 'LineItem' && parentId === order.raw.id) order.items.push(value);
  else if (type === 'Return' && parentId === order.raw.id)
    order.returns.push({ ...value, id: value.id, returnLineItems: [] });
  else {
    const parent = order.returns.find((r) => r.id === parentId);
    if (!parent) return false;
    parent.returnLineItems.push(value);
  }
  return true;
}

function flattenReturn(r: ReturnNode): RawReturn {
  return { ...r, returnLineItems: r.returnLineItems.nodes };
}

function addMapped<Row>(page: Page<Row>, mapped: { row: Row } | { quarantined: QuarantinedRecord }): void {
  if ('row' in mapped) page.rows.push(mapped.row);
  else page.quarantined.push(mapped.quarantined);
}

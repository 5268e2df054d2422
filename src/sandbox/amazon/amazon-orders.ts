/**
 * Orders API, 2026-01-01 and v0:
 *   GET /orders/2026-01-01/orders            searchOrders   GET /orders/2026-01-01/orders/{id}  getOrder
 *   GET /orders/v0/orders                    getOrders      GET /orders/v0/orders/{id}[/orderItems]
 * Paging snapshots the upper bound (…Before, default the clock minus 2 minutes) at the
 * first page and walks the (updated-at, index) or placement order from the last position
 * served, carried with the query in an opaque token. A fixed filter thus returns every
 * order exactly once even when orders change between pages: an order changed after the
 * snapshot moves past the bound and appears in the next delta instead.
 */
import { type Response, Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { type Lifecycle, updatedAt } from '../world/lifecycle.ts';
import type { StoreDef } from '../world/stores.ts';
import { badInput, listParam, parseTime, rateLimit, sellerOf, spError, stringParam } from './amazon-http.ts';
import { amazonOrderId, orderIndexOf, orderIsFba } from './amazon-ids.ts';
import {
  fulfillmentStatus,
  iso,
  orderStatus,
  renderOrder,
  renderOrderItemsV0,
  renderOrderV0,
} from './amazon-records.ts';

const TWO_MINUTES = 120_000;
const FULFILLMENT_STATUSES = [
  'PENDING_AVAILABILITY',
  'PENDING',
  'UNSHIPPED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
  'UNFULFILLABLE',
];
const ORDER_STATUSES = [
  'PendingAvailability',
  'Pending',
  'Unshipped',
  'PartiallyShipped',
  'Shipped',
  'Canceled',
  'Unfulfillable',
  'InvoiceUnconfirmed',
];
const INCLUDED_DATA = [
  'BUYER',
  'RECIPIENT',
  'PROCEEDS',
  'EXPENSE',
  'PROMOTION',
  'CANCELLATION',
  'FULFILLMENT',
  'PACKAGES',
  'TAX',
  'PAYMENT',
  'FULFILLMENT_ORDERS',
];

/** The filter a page belongs to; the token carries it. */
interface OrderQuery {
  api: 'v0' | '2026';
  by: 'updated' | 'created';
  after: number;
  before: number | null;
  statuses: string[];
  /** AMAZON / MERCHANT */
  channels: string[];
}

interface Cursor {
  q: OrderQuery;
  /** Upper bound, fixed at the first page. */
  b: number;
  /** Last position served: updated-at (by updated) and index. */
  u: number;
  i: number;
}

export function createAmazonOrdersRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/2026-01-01/orders', rateLimit(ctx, 'searchOrders', 0.0056, 20), (req, res) => {
    const store = sellerOf(res);
    const q = req.query;
    const query = parseQuery(ctx, res, store, '2026', {
      createdAfter: stringParam(q.createdAfter),
      createdBefore: stringParam(q.createdBefore),
      lastUpdatedAfter: stringParam(q.lastUpdatedAfter),
      lastUpdatedBefore: stringParam(q.lastUpdatedBefore),
      marketplaceIds: listParam(q.marketplaceIds),
      statuses: listParam(q.fulfillmentStatuses),
      channels: listParam(q.fulfilledBy),
      max: stringParam(q.maxResultsPerPage),
    });
    if (!query) return;
    const included = includedData(res, q.includedData);
    if (!included) return;
    const page = pageFor(ctx, res, store, query, stringParam(q.paginationToken));
    if (!page) return;
    res.json({
      orders: page.orders.map((o) => renderOrder(o, store, included)),
      ...(page.next ? { pagination: { nextToken: page.next } } : {}),
      [query.by === 'updated' ? 'lastUpdatedBefore' : 'createdBefore']: iso(page.bound),
    });
  });

  router.get('/2026-01-01/orders/:orderId', rateLimit(ctx, 'getOrder', 0.5, 30), (req, res) => {
    const store = sellerOf(res);
    const included = includedData(res, req.query.includedData);
    if (!included) return;
    const orderId = String(req.params.orderId);
    const order = findOrder(ctx, store, orderId);
    if (!order) return void notFound(res, orderId);
    res.json({ order: renderOrder(order, store, included) });
  });

  router.get('/v0/orders', rateLimit(ctx, 'getOrders', 0.0167, 20), (req, res) => {
    const store = sellerOf(res);
    const q = req.query;
    const marketplaceIds = listParam(q.MarketplaceIds);
    if (!marketplaceIds.length) return void badInput(res, 'MarketplaceIds is required.');
    const nextToken = stringParam(q.NextToken);
    // v0 ignores the other criteria when NextToken is given: the token holds them
    const query = nextToken
      ? decodeCursor(nextToken)?.q
      : parseQuery(ctx, res, store, 'v0', {
          createdAfter: stringParam(q.CreatedAfter),
          createdBefore: stringParam(q.CreatedBefore),
          lastUpdatedAfter: stringParam(q.LastUpdatedAfter),
          lastUpdatedBefore: stringParam(q.LastUpdatedBefore),
          marketplaceIds,
          statuses: listParam(q.OrderStatuses),
          channels: listParam(q.FulfillmentChannels).map((c) =>
            c === 'AFN' ? 'AMAZON' : c === 'MFN' ? 'MERCHANT' : c,
          ),
          max: stringParam(q.MaxResultsPerPage),
        });
    if (res.headersSent) return;
    if (query?.api !== 'v0') return void badInput(res, 'Invalid NextToken.');
    if (!marketplaceIds.includes(store.amazonMarketplace?.id ?? ''))
      return void badInput(res, 'Invalid MarketplaceIds.');
    const max = maxPerPage(stringParam(q.MaxResultsPerPage));
    if (max === undefined) return void badInput(res, 'MaxResultsPerPage must be from 1 to 100.');
    const page = pageFor(ctx, res, store, { ...query, max } as OrderQuery & { max: number }, nextToken);
    if (!page) return;
    res.json({
      payload: {
        Orders: page.orders.map((o) => renderOrderV0(o, store)),
        ...(page.next ? { NextToken: page.next } : {}),
        [query.by === 'updated' ? 'LastUpdatedBefore' : 'CreatedBefore']: iso(page.bound),
      },
    });
  });

  router.get('/v0/orders/:orderId', rateLimit(ctx, 'getOrderV0', 0.5, 30), (req, res) => {
    const store = sellerOf(res);
    const orderId = String(req.params.orderId);
    const order = findOrder(ctx, store, orderId);
    if (!order) return void notFound(res, orderId);
    res.json({ payload: renderOrderV0(order, store) });
  });

  router.get('/v0/orders/:orderId/orderItems', rateLimit(ctx, 'getOrderItems', 0.5, 30), (req, res) => {
    const store = sellerOf(res);
    const orderId = String(req.params.orderId);
    const order = findOrder(ctx, store, orderId);
    if (!order) return void notFound(res, orderId);
    res.json({ payload: { OrderItems: renderOrderItemsV0(order, store), AmazonOrderId: orderId } });
  });
  return router;
}

interface RawQuery {
  createdAfter?: string;
  createdBefore?: string;
  lastUpdatedAfter?: string;
  lastUpdatedBefore?: string;
  marketplaceIds: string[];
  statuses: string[];
  channels: string[];
  max?: string;
}

function parseQuery(
  ctx: SandboxContext,
  res: Response,
  store: StoreDef,
  api: OrderQuery['api'],
  raw: RawQuery,
): (OrderQuery & { max: number }) | undefined {
  const [ca, cb, ua, ub] =
    api === 'v0'
      ? ['CreatedAfter', 'CreatedBefore', 'LastUpdatedAfter', 'LastUpdatedBefore']
      : ['createdAfter', 'createdBefore', 'lastUpdatedAfter', 'lastUpdatedBefore'];
  const fail = (details: string) => void badInput(res, details);
  if ((raw.createdAfter === undefined) === (raw.lastUpdatedAfter === undefined)) {
    return fail(`Exactly one of ${ca} and ${ua} is required.`);
  }
  const by = raw.createdAfter !== undefined ? 'created' : 'updated';
  if (by === 'created' && raw.lastUpdatedBefore !== undefined) return fail(`${ub} cannot be set with ${ca}.`);
  if (by === 'updated' && raw.createdBefore !== undefined) return fail(`${cb} cannot be set with ${ua}.`);
  const [afterName, beforeName] = by === 'created' ? [ca, cb] : [ua, ub];
  const after = parseTime(by === 'created' ? raw.createdAfter : raw.lastUpdatedAfter);
  if (Number.isNaN(after)) return fail(`${afterName} must be an ISO 8601 date-time.`);
  const beforeText = by === 'created' ? raw.createdBefore : raw.lastUpdatedBefore;
  const before = beforeText === undefined ? null : parseTime(beforeText);
  if (before !== null) {
    if (Number.isNaN(before)) return fail(`${beforeName} must be an ISO 8601 date-time.`);
    if (before > ctx.world.clockMs - TWO_MINUTES)
      return fail(`${beforeName} must be at least two minutes before the time of the request.`);
    if (before < after) return fail(`${beforeName} must be equal to or after ${afterName}.`);
  }
  if (raw.marketplaceIds.length && !raw.marketplaceIds.includes(store.amazonMarketplace?.id ?? '')) {
    return fail(`The seller does not participate in marketplace ${raw.marketplaceIds.join(', ')}.`);
  }
  const known = api === 'v0' ? ORDER_STATUSES : FULFILLMENT_STATUSES;
  const unknown = raw.statuses.find((s) => !known.includes(s));
  if (unknown) return fail(`Unknown order status ${unknown}.`);
  const badChannel = raw.channels.find((c) => c !== 'AMAZON' && c !== 'MERCHANT');
  if (badChannel) return fail(`Unknown fulfillment channel ${badChannel}.`);
  const max = maxPerPage(raw.max);
  if (max === undefined) return fail('maxResultsPerPage must be from 1 to 100.');
  return { api, by, after, before, statuses: [...raw.statuses].sort(), channels: [...raw.channels].sort(), max };
}

function maxPerPage(value: string | undefined): number | undefined {
  if (value === undefined) return 100;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : undefined;
}

function includedData(res: Response, value: unknown): Set<string> | undefined {
  const names = listParam(value);
  const unknown = names.find((n) => !INCLUDED_DATA.includes(n));
  if (unknown) return void badInput(res, `Unknown includedData ${unknown}.`);
  return new Set(names);
}

function pageFor(
  ctx: SandboxContext,
  res: Response,
  store: StoreDef,
  query: OrderQuery & { max: number },
  token: string | undefined,
): { orders: Lifecycle[]; next?: string; bound: number } | undefined {
  const { max, ...filter } = query;
  let cursor: Cursor | undefined;
  if (token) {
    cursor = decodeCursor(token);
    if (!cursor || JSON.stringify(cursor.q) !== JSON.stringify(filter)) {
      return void badInput(res, 'The pagination token does not match the other parameters of the request.');
    }
  }
  const bound = cursor?.b ?? filter.before ?? ctx.world.clockMs - TWO_MINUTES;
  const orders = ctx.world.orders(store.key);
  const scan =
    filter.by === 'updated'
      ? orders.byUpdated(
          cursor
            ? { after: { updatedAt: cursor.u, index: cursor.i }, toMs: bound }
            : { fromMs: filter.after, toMs: bound },
        )
      : orders.byPlaced({ fromMs: filter.after, toMs: bound, ...(cursor ? { afterIndex: cursor.i } : {}) });
  const page: Lifecycle[] = [];
  let more = false;
  for (const order of scan) {
    if (!matches(order, store, filter)) continue;
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(order);
  }
  const last = page[page.length - 1];
  const next = more && last ? encodeCursor({ q: filter, b: bound, u: updatedAt(last), i: last.index }) : undefined;
  return { orders: page, bound, ...(next ? { next } : {}) };
}

function matches(order: Lifecycle, store: StoreDef, q: OrderQuery): boolean {
  if (q.statuses.length) {
    const status = q.api === 'v0' ? orderStatus(order, store) : fulfillmentStatus(order, store);
    if (!q.statuses.includes(status)) return false;
  }
  if (q.channels.length && !q.channels.includes(orderIsFba(store, order) ? 'AMAZON' : 'MERCHANT')) return false;
  return true;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    return typeof cursor?.b === 'number' && typeof cursor.i === 'number' && cursor.q ? cursor : undefined;
  } catch {
    return undefined;
  }
}

function findOrder(ctx: SandboxContext, store: StoreDef, orderId: string): Lifecycle | undefined {
  const index = orderIndexOf(store, orderId);
  const order = index === undefined ? undefined : ctx.world.orders(store.key).get(index);
  return order && amazonOrderId(store, order) === orderId ? order : undefined;
}

function notFound(res: Response, orderId: string): void {
  spError(
    res,
    404,
    'NotFound',
    'The requested order was not found.',
    `Order ${orderId} does not exist for this seller.`,
  );
}

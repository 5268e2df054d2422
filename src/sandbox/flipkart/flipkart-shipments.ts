/**
 * Orders as shipments (paths under /sellers):
 *   POST /v3/shipments/filter                   first page: {filter, pagination:{pageSize ≤ 20}, sort}
 *   GET  /v3/shipments/filter?next_token=…      further pages: follow `nextPageUrl` (relative to /sellers)
 *   GET  /v3/shipments?orderIds=a,b             ≤ 100 ids (or orderItemIds; one kind per call)
 * A shipment lists only the items the filter selects: an order whose items sit in
 * different states shows up under each filter type with the items that belong there,
 * so preDispatch + postDispatch + cancelled (each cancellationType) cover every item
 * once. Returned items were delivered: the DELIVERED state finds them (Flipkart offers no
 * filter state for returns), their status says RETURN_REQUESTED or RETURNED.
 * Date ranges are [from, to). With modifiedDate (or cancellationDate) pages walk the
 * (updated-at, index) index, otherwise the placement order (dispatch dates follow it). The first page
 * fixes the sandbox time; the token carries it, the query and the last position, and
 * every page renders orders as they stood then. So a fixed filter returns each shipment
 * once even while orders change: one changed after the first page has moved past the
 * bound and comes with the next modifiedDate window. A page stops after scanning
 * SCAN_LIMIT orders, even short of pageSize (hasMore stays true): pages stay cheap.
 * Results come in ascending order; `sort.order: desc` is refused (sandbox limitation).
 */
import express, { type Request, type Response, Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { type Lifecycle, updatedAt } from '../world/lifecycle.ts';
import type { StoreDef } from '../world/stores.ts';
import { decodeToken, encodeToken, fkError, parseTime, sellerOf, stringParam } from './flipkart-http.ts';
import { flipkartOrderId, locationIdOf, orderIndexOf } from './flipkart-ids.ts';
import {
  asOf,
  CANCELLATION_TYPES,
  type CancellationType,
  DISPATCH_SLA_MS,
  type FilterType,
  filterStateOf,
  filterTypeOf,
  flipkartItems,
  POST_DISPATCH_STATES,
  PRE_DISPATCH_STATES,
  renderShipment,
} from './flipkart-records.ts';

const MAX_PAGE_SIZE = 20;
const MAX_LOOKUP_IDS = 100;
export const SCAN_LIMIT = 10_000;
const STATES: Record<FilterType, readonly string[]> = {
  preDispatch: PRE_DISPATCH_STATES,
  postDispatch: POST_DISPATCH_STATES,
  cancelled: ['CANCELLED'],
};
const DATE_FIELDS = ['orderDate', 'modifiedDate', 'dispatchAfterDate', 'dispatchByDate', 'cancellationDate'] as const;
type DateField = (typeof DATE_FIELDS)[number];
const SORT_FIELDS = ['dispatchByDate', 'orderDate', 'modifiedDate', 'dispatchAfterDate'];

/** A time range [from, to); null for an open end (JSON has no infinities). */
type Range = [number | null, number | null];

interface ShipmentQuery {
  type: FilterType;
  states: string[];
  cancellationType: CancellationType | null;
  dates: Partial<Record<DateField, Range>>;
  skus: string[] | null;
  locationId: string | null;
  hold: boolean;
}

interface Cursor {
  q: ShipmentQuery;
  n: number;
  /** Sandbox time fixed at the first page. */
  b: number;
  /** Last position: updated-at (modifiedDate walks) and index. */
  u: number;
  i: number;
}

export function createFlipkartShipmentsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.post('/filter', express.json({ limit: '1mb' }), (req, res) => {
    const parsed = parseFilter(req, res);
    if (!parsed) return;
    sendPage(res, pageOf(ctx, sellerOf(res), parsed.query, parsed.pageSize));
  });

  router.get('/filter', (req, res) => {
    const cursor = decodeToken<Cursor>(stringParam(req.query.next_token), (c) => typeof c.b === 'number' && !!c.q);
    if (!cursor) return void fkError(res, 400, 'next_token is missing or invalid.', 'next_token');
    sendPage(res, pageOf(ctx, sellerOf(res), cursor.q, cursor.n, cursor));
  });

  router.get('/', (req, res) => {
    const store = sellerOf(res);
    const kinds = (['orderIds', 'orderItemIds', 'shipmentIds'] as const).filter((k) => req.query[k] !== undefined);
    if (kinds.length !== 1) return void fkError(res, 400, 'Exactly one of orderIds and orderItemIds is required.');
    const kind = kinds[0] as string;
    if (kind === 'shipmentIds') return void fkError(res, 400, 'Lookup by shipmentIds is not in the sandbox.', kind);
    const ids = String(req.query[kind])
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (!ids.length || ids.length > MAX_LOOKUP_IDS) {
      return void fkError(res, 400, `${kind}: between 1 and ${MAX_LOOKUP_IDS} ids are allowed.`, kind);
    }
    const seen = new Set<number>();
    const shipments = [];
    for (const id of ids) {
      const orderId = kind === 'orderIds' ? id : /^\d{17}$/.test(id) ? `OD${id.slice(0, 15)}000` : '';
      const order = findOrder(ctx, store, orderId);
      if (!order || seen.has(order.index)) continue;
      seen.add(order.index);
      shipments.push(renderShipment(order, store, flipkartItems(order, store)));
    }
    res.json({ shipments });
  });
  return router;
}

function sendPage(res: Response, page: { shipments: unknown[]; next?: string }): void {
  res.json({
    hasMore: page.next !== undefined,
    nextPageUrl: page.next === undefined ? null : `/v3/shipments/filter?next_token=${page.next}`,
    shipments: page.shipments,
  });
}

function parseFilter(req: Request, res: Response): { query: ShipmentQuery; pageSize: number } | undefined {
  const fail = (description: string, path: string) => void fkError(res, 400, description, path);
  const body = req.body as Record<string, unknown> | undefined;
  const filter = body?.filter as Record<string, unknown> | undefined;
  if (!filter || typeof filter !== 'object') return fail('filter is required.', 'filter');
  const type = filter.type as FilterType;
  if (!Object.hasOwn(STATES, String(type))) {
    return fail('filter.type must be one of preDispatch, postDispatch, cancelled.', 'filter.type');
  }
  const allowed = STATES[type];
  const states = filter.states ?? (type === 'cancelled' ? ['CANCELLED'] : undefined);
  if (!Array.isArray(states) || !states.length) return fail(`filter.states is required for ${type}.`, 'filter.states');
  const badState = states.find((s) => !allowed.includes(s));
  if (badState !== undefined) {
    return fail(`State ${String(badState)} is not valid for ${type}; use ${allowed.join(', ')}.`, 'filter.states');
  }
  let cancellationType: CancellationType | null = null;
  if (type === 'cancelled') {
    cancellationType = filter.cancellationType as CancellationType;
    if (!CANCELLATION_TYPES.includes(cancellationType)) {
      return fail(
        `filter.cancellationType is required for cancelled: ${CANCELLATION_TYPES.join(', ')}.`,
        'filter.cancellationType',
      );
    }
  }
  const dates: ShipmentQuery['dates'] = {};
  for (const field of DATE_FIELDS) {
    const value = filter[field] as { from?: unknown; to?: unknown } | undefined;
    if (value === undefined || value === null) continue;
    const from = value.from === undefined || value.from === null ? null : parseTime(value.from);
    const to = value.to === undefined || value.to === null ? null : parseTime(value.to);
    if (typeof value !== 'object' || (from === null && to === null)) {
      return fail(`filter.${field} needs from and/or to.`, `filter.${field}`);
    }
    if (Number.isNaN(from) || Number.isNaN(to)) {
      return fail(`filter.${field}: from and to must be ISO 8601 date-times.`, `filter.${field}`);
    }
    if (from !== null && to !== null && from > to) return fail(`filter.${field}: from is after to.`, `filter.${field}`);
    dates[field] = [from, to];
  }
  const skus = filter.sku;
  if (skus !== undefined && (!Array.isArray(skus) || skus.some((s) => typeof s !== 'string'))) {
    return fail('filter.sku must be a list of SKUs.', 'filter.sku');
  }
  const pagination = (body?.pagination ?? {}) as { pageSize?: unknown };
  const pageSize = pagination.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || (pageSize as number) < 1 || (pageSize as number) > MAX_PAGE_SIZE) {
    return fail(`pagination.pageSize must be from 1 to ${MAX_PAGE_SIZE}.`, 'pagination.pageSize');
  }
  const sort = body?.sort as { field?: unknown; order?: unknown } | undefined;
  if (sort !== undefined && sort !== null) {
    if (sort.field !== undefined && !SORT_FIELDS.includes(String(sort.field))) {
      return fail(`sort.field must be one of ${SORT_FIELDS.join(', ')}.`, 'sort.field');
    }
    if (sort.order !== undefined && sort.order !== 'asc' && sort.order !== 'desc') {
      return fail('sort.order must be asc or desc.', 'sort.order');
    }
    if (sort.order === 'desc') return fail('The sandbox serves ascending order only (sort.order: asc).', 'sort.order');
  }
  return {
    query: {
      type,
      states: [...new Set(states as string[])].sort(),
      cancellationType,
      dates,
      skus: skus === undefined ? null : (skus as string[]),
      locationId: typeof filter.locationId === 'string' ? filter.locationId : null,
      hold: filter.hold === true,
    },
    pageSize: pageSize as number,
  };
}

function pageOf(
  ctx: SandboxContext,
  store: StoreDef,
  query: ShipmentQuery,
  pageSize: number,
  cursor?: Cursor,
): { shipments: unknown[]; next?: string } {
  const bound = cursor?.b ?? ctx.world.clockMs;
  const orders = ctx.world.orders(store.key);
  const byUpdated = query.dates.modifiedDate !== undefined || query.dates.cancellationDate !== undefined;
  const scan = byUpdated ? scanUpdated(orders, query, bound, cursor) : scanPlaced(orders, query, bound, cursor);
  const shipments: unknown[] = [];
  let position: { u: number; i: number } | undefined;
  let more = false;
  let examined = 0;
  for (const order of scan) {
    const then = asOf(order, bound);
    const items = matchingItems(then, store, query);
    if (items.length) {
      if (shipments.length === pageSize) {
        more = true;
        break;
      }
      shipments.push(renderShipment(then, store, items));
    }
    position = { u: updatedAt(order), i: order.index };
    if (++examined >= SCAN_LIMIT) {
      more = true;
      break;
    }
  }
  if (!more || !position) return { shipments };
  return { shipments, next: encodeToken({ q: query, n: pageSize, b: bound, ...position } satisfies Cursor) };
}

/** Updated-at order: modifiedDate bounds it; a cancellation is never later than its order's update. */
function scanUpdated(
  orders: ReturnType<SandboxContext['world']['orders']>,
  q: ShipmentQuery,
  bound: number,
  c?: Cursor,
) {
  const modified = q.dates.modifiedDate;
  const from = modified ? modified[0] : (q.dates.cancellationDate?.[0] ?? null);
  const to = modified ? modified[1] : null;
  const toMs = Math.min(to === null ? bound : to - 1, bound);
  return c
    ? orders.byUpdated({ after: { updatedAt: c.u, index: c.i }, toMs })
    : orders.byUpdated({ fromMs: from ?? Number.NEGATIVE_INFINITY, toMs });
}

/** Placement order, narrowed by every date that bounds the placement time. */
function scanPlaced(
  orders: ReturnType<SandboxContext['world']['orders']>,
  q: ShipmentQuery,
  bound: number,
  c?: Cursor,
) {
  let fromMs = Number.NEGATIVE_INFINITY;
  let toMs = bound;
  const narrow = (range: Range | undefined, shift: number) => {
    if (!range) return;
    if (range[0] !== null) fromMs = Math.max(fromMs, range[0] - shift);
    if (range[1] !== null) toMs = Math.min(toMs, range[1] - 1 - shift);
  };
  narrow(q.dates.orderDate, 0);
  narrow(q.dates.dispatchAfterDate, 0);
  narrow(q.dates.dispatchByDate, DISPATCH_SLA_MS);
  return orders.byPlaced({ fromMs, toMs, ...(c ? { afterIndex: c.i } : {}) });
}

function matchingItems(order: Lifecycle, store: StoreDef, q: ShipmentQuery) {
  const { dates } = q;
  if (q.hold || (q.locationId !== null && q.locationId !== locationIdOf(store))) return [];
  if (!within(dates.orderDate, order.placedAt) || !within(dates.modifiedDate, updatedAt(order))) return [];
  if (!within(dates.dispatchAfterDate, order.placedAt)) return [];
  if (!within(dates.dispatchByDate, order.placedAt + DISPATCH_SLA_MS)) return [];
  return flipkartItems(order, store).filter(
    (item) =>
      filterTypeOf(item.status) === q.type &&
      q.states.includes(filterStateOf(item.status)) &&
      (q.cancellationType === null || item.cancellationType === q.cancellationType) &&
      (q.skus === null || q.skus.includes(item.line.listing.sku ?? '')) &&
      (dates.cancellationDate === undefined ||
        (item.cancelledAt !== null && within(dates.cancellationDate, item.cancelledAt))),
  );
}

function within(range: Range | undefined, t: number): boolean {
  if (!range) return true;
  return (range[0] === null || t >= range[0]) && (range[1] === null || t < range[1]);
}

function findOrder(ctx: SandboxContext, store: StoreDef, orderId: string): Lifecycle | undefined {
  const index = orderIndexOf(store, orderId);
  const order = index === undefined ? undefined : ctx.world.orders(store.key).get(index);
  return order && flipkartOrderId(store, order) === orderId ? order : undefined;
}

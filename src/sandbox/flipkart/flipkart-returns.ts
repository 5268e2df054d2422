/**
 * Returns v2 (paths under /sellers):
 *   GET /v2/returns?source=customer_return|courier_return&modifiedAfter&modifiedBefore&createdAfter&createdBefore
 *   → {hasMore, nextUrl, returnItems:[…]}, at most 25 a page.
 * `nextUrl` has the form Flipkart sends, `/returns/search/<opaque>`. Where it is rooted is
 * not documented, so the sandbox answers it under both /sellers and /sellers/v2.
 * Ranges are [after, before); at least one of modifiedAfter and createdAfter is required.
 * Paging walks the (updated-at, index) index like shipments/filter (a return changes its
 * order), with the sandbox time fixed at the first page.
 */
import { type Response, Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { updatedAt } from '../world/lifecycle.ts';
import type { StoreDef } from '../world/stores.ts';
import { decodeToken, encodeToken, fkError, parseTime, sellerOf, stringParam } from './flipkart-http.ts';
import { asOf, type ReturnSource, renderReturn, returnOf } from './flipkart-records.ts';
import { SCAN_LIMIT } from './flipkart-shipments.ts';

const PAGE_SIZE = 25;
const SOURCES: ReturnSource[] = ['customer_return', 'courier_return'];

interface ReturnsQuery {
  source: ReturnSource;
  /** [from, to) for the return's update and creation; null: open. */
  modified: [number | null, number | null];
  created: [number | null, number | null];
}

interface Cursor {
  q: ReturnsQuery;
  b: number;
  u: number;
  i: number;
}

export function createFlipkartReturnsRouter(ctx: SandboxContext): { first: Router; next: Router } {
  const first = Router();
  first.get('/', (req, res) => {
    const query = parseQuery(req.query as Record<string, unknown>, res);
    if (query) res.json(pageOf(ctx, sellerOf(res), query));
  });
  const next = Router();
  next.get('/:token', (req, res) => {
    const cursor = decodeToken<Cursor>(req.params.token, (c) => typeof c.b === 'number' && !!c.q);
    if (!cursor) return void fkError(res, 400, 'The next page URL is invalid.');
    res.json(pageOf(ctx, sellerOf(res), cursor.q, cursor));
  });
  return { first, next };
}

function parseQuery(q: Record<string, unknown>, res: Response): ReturnsQuery | undefined {
  const fail = (description: string, path: string) => void fkError(res, 400, description, path);
  const source = stringParam(q.source) as ReturnSource;
  if (!SOURCES.includes(source)) return fail(`source is required: ${SOURCES.join(' or ')}.`, 'source');
  for (const unsupported of ['returnIds', 'trackingIds']) {
    if (q[unsupported] !== undefined) return fail(`Lookup by ${unsupported} is not in the sandbox.`, unsupported);
  }
  const times: Record<string, number | null> = {};
  for (const name of ['modifiedAfter', 'modifiedBefore', 'createdAfter', 'createdBefore']) {
    const text = stringParam(q[name]);
    const t = text === undefined ? null : parseTime(text);
    if (Number.isNaN(t)) return fail(`${name} must be an ISO 8601 date-time.`, name);
    times[name] = t;
  }
  const { modifiedAfter = null, modifiedBefore = null, createdAfter = null, createdBefore = null } = times;
  if (modifiedAfter === null && createdAfter === null) {
    return fail('One of modifiedAfter and createdAfter is required.', 'modifiedAfter');
  }
  if (modifiedAfter !== null && modifiedBefore !== null && modifiedAfter > modifiedBefore) {
    return fail('modifiedAfter is after modifiedBefore.', 'modifiedAfter');
  }
  if (createdAfter !== null && createdBefore !== null && createdAfter > createdBefore) {
    return fail('createdAfter is after createdBefore.', 'createdAfter');
  }
  return { source, modified: [modifiedAfter, modifiedBefore], created: [createdAfter, createdBefore] };
}

function pageOf(ctx: SandboxContext, store: StoreDef, query: ReturnsQuery, cursor?: Cursor) {
  const bound = cursor?.b ?? ctx.world.clockMs;
  // a return's times are never later than its order's updated-at: start the walk there
  const fromMs = Math.max(query.modified[0] ?? Number.NEGATIVE_INFINITY, query.created[0] ?? Number.NEGATIVE_INFINITY);
  const orders = ctx.world.orders(store.key);
  const scan = cursor
    ? orders.byUpdated({ after: { updatedAt: cursor.u, index: cursor.i }, toMs: bound })
    : orders.byUpdated({ fromMs, toMs: bound });
  const returnItems: unknown[] = [];
  let position: { u: number; i: number } | undefined;
  let more = false;
  let examined = 0;
  for (const order of scan) {
    const then = asOf(order, bound);
    const ret = returnOf(then, store);
    if (
      ret &&
      ret.source === query.source &&
      within(query.modified, ret.updatedAt) &&
      within(query.created, ret.createdAt)
    ) {
      if (returnItems.length === PAGE_SIZE) {
        more = true;
        break;
      }
      returnItems.push(renderReturn(then, store, ret));
    }
    position = { u: updatedAt(order), i: order.index };
    if (++examined >= SCAN_LIMIT) {
      more = true;
      break;
    }
  }
  const token = more && position ? encodeToken({ q: query, b: bound, ...position } satisfies Cursor) : undefined;
  return {
    hasMore: token !== undefined,
    nextUrl: token === undefined ? null : `/returns/search/${token}`,
    returnItems,
  };
}

function within(range: [number | null, number | null], t: number): boolean {
  return (range[0] === null || t >= range[0]) && (range[1] === null || t < range[1]);
}

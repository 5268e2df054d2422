/**
 * Shopify's view of one shop's data: orders and products as connections over the
 * world, with Shopify's sort keys, search filters and cursors.
 */
import { GraphQLError } from 'graphql';
import type { SandboxContext } from '../sandbox-context.ts';
import type { Product } from '../world/catalog.ts';
import { type Lifecycle, updatedAt } from '../world/lifecycle.ts';
import { hashKeys } from '../world/random.ts';
import type { OrderPosition } from '../world/store-orders.ts';
import type { StoreDef } from '../world/stores.ts';
import { connectionOf, decodeCursor, encodeCursor, MAX_PAGE } from './shopify-connection.ts';
import { orderNumericId, renderOrder, renderProduct } from './shopify-records.ts';
import { inRange, parseSearch, type SearchFilter } from './shopify-search.ts';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  query?: string | null;
  sortKey?: string | null;
  reverse?: boolean | null;
}

export class ShopData {
  readonly ctx: SandboxContext;
  readonly store: StoreDef;

  constructor(ctx: SandboxContext, store: StoreDef) {
    this.ctx = ctx;
    this.store = store;
  }

  get #orders() {
    return this.ctx.world.orders(this.store.key);
  }

  /** Orders matching a connection's filter and sort, from its cursor on; no page limit. */
  *orderStream(args: ConnectionArgs): Generator<{ order: Lifecycle; cursor: string }> {
    const filter = parseSearch(args.query ?? undefined);
    const byUpdated = args.sortKey === 'UPDATED_AT';
    const after = args.after ? decodeCursor<{ u?: number; i: number }>(args.after) : undefined;
    if (args.after && (!after || typeof after.i !== 'number'))
      throw new GraphQLError('Invalid cursor for current pagination sort.');
    if (byUpdated) {
      const position: OrderPosition | undefined = after ? { updatedAt: after.u ?? 0, index: after.i } : undefined;
      const fromMs = filter.updated.min;
      for (const order of this.#orders.byUpdated({ after: position, fromMs, toMs: filter.updated.max })) {
        const u = updatedAt(order);
        if (!inRange(u, filter.updated) || !inRange(order.placedAt, filter.created)) continue;
        yield { order, cursor: encodeCursor({ u, i: order.index }) };
      }
    } else {
      for (const order of this.#orders.byPlaced({
        fromMs: filter.created.min,
        toMs: filter.created.max,
        afterIndex: after?.i,
      })) {
        if (!inRange(order.placedAt, filter.created) || !inRange(updatedAt(order), filter.updated)) continue;
        yield { order, cursor: encodeCursor({ i: order.index }) };
      }
    }
  }

  ordersConnection(args: ConnectionArgs) {
    const first = pageSize(args);
    const items: ReturnType<typeof renderOrder>[] = [];
    const cursors: string[] = [];
    let hasNextPage = false;
    for (const { order, cursor } of this.orderStream(args)) {
      if (items.length === first) {
        hasNextPage = true;
        break;
      }
      items.push(this.renderOrder(order));
      cursors.push(cursor);
    }
    return connectionOf({ items, cursors, hasNextPage, hasPreviousPage: Boolean(args.after) });
  }

  /** `ordersCount`: exact up to `limit` (default 10,000 as Shopify's; null for no limit). */
  ordersCount(args: { query?: string | null; limit?: number | null }) {
    const limit = args.limit === undefined ? 10_000 : args.limit;
    let count = 0;
    for (const _ of this.orderStream({ query: args.query ?? null, sortKey: 'UPDATED_AT' })) {
      if (limit !== null && count >= limit) return { count: limit, precision: 'AT_LEAST' };
      count++;
    }
    return { count, precision: 'EXACT' };
  }

  order(numericId: number) {
    const index = numericId - orderNumericId(this.store, 0);
    const order = this.#orders.get(index);
    return order ? this.renderOrder(order) : null;
  }

  /**
   * An order as the API serves it. Under the `malformed` fault some orders (always the
   * same ones) come with an unreadable amount or date, in types the schema allows
   * (Decimal and DateTime are strings on the wire), as real data sometimes does.
   */
  renderOrder(order: Lifecycle) {
    const rendered = renderOrder(order, this.store, updatedAt(order));
    if (!this.ctx.faults.isMalformed('shopify', this.store.key, order.index)) return rendered;
    const kind = order.index % 3;
    if (kind === 0) {
      const bad = { amount: 'twelve', currencyCode: this.store.currency };
      return { ...rendered, totalPriceSet: { shopMoney: bad, presentmentMoney: bad } };
    }
    if (kind === 1) return { ...rendered, createdAt: '2026-13-45T25:61:00Z', processedAt: 'yesterday' };
    const bad = { amount: '1,299.00', currencyCode: this.store.currency };
    return { ...rendered, totalPriceSet: { shopMoney: bad, presentmentMoney: bad } };
  }

  /** Products (one variant each) listed on this shop, sorted by id or updated-at. */
  productList(args: ConnectionArgs) {
    const filter: SearchFilter = parseSearch(args.query ?? undefined);
    const rows = this.ctx.world
      .catalog(this.store.seller)
      .filter((p) => p.listings.shopify)
      .map((p) => ({ p, u: this.productUpdatedAt(p) }))
      .filter((r) => inRange(r.u, filter.updated) && inRange(r.u, filter.created));
    if (args.sortKey === 'UPDATED_AT') rows.sort((a, b) => a.u - b.u || a.p.index - b.p.index);
    return rows;
  }

  productsConnection(args: ConnectionArgs) {
    const first = pageSize(args);
    const rows = this.productList(args);
    const after = args.after ? decodeCursor<{ i: number }>(args.after) : undefined;
    const start = after ? rows.findIndex((r) => r.p.index === after.i) + 1 : 0;
    const slice = rows.slice(start, start + first);
    return connectionOf({
      items: slice.map((r) => renderProduct(r.p, this.store, r.u)),
      cursors: slice.map((r) => encodeCursor({ i: r.p.index })),
      hasNextPage: start + first < rows.length,
      hasPreviousPage: start > 0,
    });
  }

  /** Products were last edited some days before the sandbox started. */
  productUpdatedAt(p: Product): number {
    const days = hashKeys(this.ctx.world.seed, this.store.key, p.index, 'product-updated') % 120;
    return Math.floor((this.ctx.world.startMs - (days + 1) * 86_400_000) / 1000) * 1000;
  }
}

function pageSize(args: ConnectionArgs): number {
  if (args.last != null || args.before != null || args.reverse) {
    throw new GraphQLError('The sandbox pages forward only: use first/after without reverse.');
  }
  const first = args.first;
  if (first == null) throw new GraphQLError('you must provide one of first or last');
  if (first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`The first argument must be between 0 and ${MAX_PAGE}.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return first;
}

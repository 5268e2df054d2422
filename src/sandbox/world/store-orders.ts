/**
 * One store's orders: generated on demand from (seed, store, index), with an index
 * sorted by (updated-at, index) for delta paging, built lazily on first use. Mutated
 * and new orders live in an overlay that takes precedence over the generated ones.
 */
import type { DemandCalendar } from './calendar.ts';
import { generateLifecycle, type Lifecycle, type StoreContext, totalMinor, updatedAt } from './lifecycle.ts';

export interface OrderPosition {
  updatedAt: number;
  index: number;
}

export class StoreOrders {
  readonly #ctx: StoreContext;
  readonly #calendar: DemandCalendar;
  readonly #horizon: number;
  readonly baseCount: number;
  #extra = 0;
  readonly #overlay = new Map<number, Lifecycle>();
  #overlaySorted: OrderPosition[] = [];
  #baseSorted: Uint32Array | undefined;
  #baseUpdated: Float64Array | undefined;

  constructor(ctx: StoreContext, calendar: DemandCalendar, horizon: number) {
    this.#ctx = ctx;
    this.#calendar = calendar;
    this.#horizon = horizon;
    this.baseCount = ctx.store.orders;
  }

  get store() {
    return this.#ctx.store;
  }

  get count(): number {
    return this.baseCount + this.#extra;
  }

  /** The order as it stands now (generated, or mutated since). */
  get(index: number): Lifecycle | undefined {
    const mutated = this.#overlay.get(index);
    if (mutated) return mutated;
    if (index < 0 || index >= this.baseCount) return undefined;
    return this.#generate(index);
  }

  #generate(index: number): Lifecycle {
    const placedAt = this.#placedAt(index);
    // a planted large order: the first of its day
    const large = this.#ctx.largeOrders?.find(
      (x) =>
        placedAt >= x.fromMs &&
        placedAt < x.fromMs + 86_400_000 &&
        (index === 0 || this.#placedAt(index - 1) < x.fromMs),
    );
    const order = generateLifecycle(this.#ctx, index, placedAt, this.#horizon);
    if (!large) return order;
    // its units scaled until it is worth `factor` times the store's median order
    const scale = Math.max(1, Math.round((large.factor * this.#medianMinor()) / Math.max(1, totalMinor(order.lines))));
    return generateLifecycle(this.#ctx, index, placedAt, this.#horizon, scale);
  }

  #median: number | undefined;

  /** The store's median order value (of up to 501 orders spread over its history). */
  #medianMinor(): number {
    if (this.#median === undefined) {
      const step = Math.max(1, Math.floor(this.baseCount / 501));
      const values: number[] = [];
      for (let i = 0; i < this.baseCount; i += step) {
        const placedAt = this.#placedAt(i);
        values.push(totalMinor(generateLifecycle(this.#ctx, i, placedAt, this.#horizon).lines));
      }
      values.sort((a, b) => a - b);
      this.#median = values[Math.floor(values.length / 2)] ?? 0;
    }
    return this.#median;
  }

  #placedAt(index: number): number {
    return this.#calendar.placedAt(index, this.baseCount, this.#ctx.seed, this.#ctx.store.key);
  }

  /** Records a changed or new order (its updated-at must be the latest so far). */
  put(order: Lifecycle): void {
    if (order.index >= this.count) this.#extra = order.index - this.baseCount + 1;
    this.#overlay.set(order.index, order);
  }

  /** Call after a batch of `put`s. */
  reindexOverlay(): void {
    this.#overlaySorted = [...this.#overlay.values()]
      .map((o) => ({ updatedAt: updatedAt(o), index: o.index }))
      .sort(comparePositions);
  }

  /** Creates the order that will be `count` (a new order placed at `placedAt`). */
  newOrder(placedAt: number): Lifecycle {
    return generateLifecycle(this.#ctx, this.count, placedAt, placedAt);
  }

  /** Orders in (updated-at, index) order strictly after `after`, or from `fromMs` inclusive. */
  *byUpdated(options: { fromMs?: number; toMs?: number; after?: OrderPosition }): Generator<Lifecycle> {
    const { sorted, updated } = this.#ensureBase();
    const start: OrderPosition = options.after ?? { updatedAt: options.fromMs ?? Number.NEGATIVE_INFINITY, index: -1 };
    const toMs = options.toMs ?? Number.POSITIVE_INFINITY;
    let b = lowerBound(sorted.length, (i) => comparePositions(pos(updated, sorted, i), start) > 0);
    let o = lowerBound(
      this.#overlaySorted.length,
      (i) => comparePositions(this.#overlaySorted[i] as OrderPosition, start) > 0,
    );
    for (;;) {
      while (b < sorted.length && this.#overlay.has(sorted[b] as number)) b++;
      const fromBase = b < sorted.length ? pos(updated, sorted, b) : undefined;
      const fromOverlay = this.#overlaySorted[o];
      let next: OrderPosition | undefined;
      if (fromBase && (!fromOverlay || comparePositions(fromBase, fromOverlay) < 0)) {
        next = fromBase;
        b++;
      } else if (fromOverlay) {
        next = fromOverlay;
        o++;
      }
      if (!next || next.updatedAt > toMs) return;
      yield this.get(next.index) as Lifecycle;
    }
  }

  /** Orders placed in [fromMs, toMs], in placement order. */
  *byPlaced(options: { fromMs?: number; toMs?: number; afterIndex?: number }): Generator<Lifecycle> {
    const fromMs = options.fromMs ?? Number.NEGATIVE_INFINITY;
    const toMs = options.toMs ?? Number.POSITIVE_INFINITY;
    const placed = (i: number) => this.#calendar.placedAt(i, this.baseCount, this.#ctx.seed, this.#ctx.store.key);
    let i =
      options.afterIndex !== undefined
        ? options.afterIndex + 1
        : lowerBound(this.baseCount, (k) => placed(k) >= fromMs);
    for (; i < this.count; i++) {
      const order = this.get(i) as Lifecycle;
      if (order.placedAt < fromMs) continue;
      if (order.placedAt > toMs) {
        if (i < this.baseCount) i = this.baseCount - 1; // skip to the new orders, placed later
        continue;
      }
      yield order;
    }
  }

  /** Every order, in index order: for the ground truth and bulk exports. */
  *all(): Generator<Lifecycle> {
    for (let i = 0; i < this.count; i++) yield this.get(i) as Lifecycle;
  }

  #ensureBase() {
    if (!this.#baseSorted || !this.#baseUpdated) {
      const updated = new Float64Array(this.baseCount);
      for (let i = 0; i < this.baseCount; i++) updated[i] = updatedAt(this.#generate(i));
      const sorted = new Uint32Array(this.baseCount);
      for (let i = 0; i < sorted.length; i++) sorted[i] = i;
      sorted.sort((a, b) => (updated[a] as number) - (updated[b] as number) || a - b);
      this.#baseUpdated = updated;
      this.#baseSorted = sorted;
    }
    return { sorted: this.#baseSorted, updated: this.#baseUpdated };
  }
}

function pos(updated: Float64Array, sorted: Uint32Array, i: number): OrderPosition {
  const index = sorted[i] as number;
  return { updatedAt: updated[index] as number, index };
}

export function comparePositions(a: OrderPosition, b: OrderPosition): number {
  return a.updatedAt - b.updatedAt || a.index - b.index;
}

/** First i in [0, n) for which pred holds (pred is monotonic: false…false true…true). */
function lowerBound(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

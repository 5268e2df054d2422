/**
 * The sandbox's whole state: sellers and their stores, catalogs, orders (generated on
 * demand), the clock, mutations and FX history. Everything derives from the seed, the
 * scale and the start time, plus the mutations applied since.
 */

import type { AnomalySpec } from './anomalies.ts';
import { DemandCalendar } from './calendar.ts';
import { buildCatalog, listedOn, type Product } from './catalog.ts';
import { FxHistory } from './fx-rates.ts';
import { advanceLifecycle, type MutationKind } from './lifecycle.ts';
import { Random } from './random.ts';
import { StoreOrders } from './store-orders.ts';
import { buildStores, type SandboxMarketplace, type StoreDef } from './stores.ts';

export interface WorldOptions {
  seed?: number;
  sellers?: number;
  /** Orders of history per store (10 to 1,000,000). */
  ordersPerStore?: number;
  /** The sandbox clock at start (ms); history ends here. Default: today 00:00 UTC. */
  startMs?: number;
  productsPerSeller?: number;
  /** Anomalies planted in the history (anomalies.ts). */
  anomalies?: AnomalySpec[];
}

export interface MutationRequest {
  /** How many orders change (existing ones and new ones together). */
  count: number;
  /** Move the clock forward first (ms); the changes are spread over that span. */
  advanceMs?: number;
  /** Share of the changes that are new orders (default 0.2). */
  newShare?: number;
  /** Restrict to these store keys (default: all). */
  stores?: string[];
  /** All changes at exactly the clock time: many records then share one cursor value. */
  sameInstant?: boolean;
}

export type PlantedAnomaly = AnomalySpec & {
  seller: number;
  marketplace: SandboxMarketplace;
  /** The product's SKU and its title on that marketplace (return spikes, stock-outs). */
  sku?: string;
  title?: string;
};

export type MutationSummary = Record<string, Partial<Record<MutationKind | 'new', number>>>;

export class SandboxWorld {
  readonly seed: number;
  readonly stores: StoreDef[];
  readonly fx: FxHistory;
  readonly startMs: number;
  clockMs: number;
  /** Counts mutations: anything derived from the orders (the truth) is stale when it moves. */
  get version(): number {
    return this.#mutations;
  }
  #mutations = 0;
  readonly #calendar: DemandCalendar;
  readonly #catalogs = new Map<number, Product[]>();
  readonly #orders = new Map<string, StoreOrders>();
  readonly #productsPerSeller: number;
  readonly #clockListeners = new Set<(fromMs: number, toMs: number) => void>();
  readonly #anomalies: AnomalySpec[];

  constructor(options: WorldOptions = {}) {
    this.seed = options.seed ?? 42;
    const orders = options.ordersPerStore ?? 1000;
    if (!Number.isInteger(orders) || orders < 10 || orders > 1_000_000) {
      throw new RangeError('orders per store must be an integer from 10 to 1,000,000');
    }
    this.startMs = options.startMs ?? Math.floor(Date.now() / 86_400_000) * 86_400_000;
    this.clockMs = this.startMs;
    this.stores = buildStores(this.seed, options.sellers ?? 3, orders);
    this.fx = new FxHistory(this.seed);
    this.#calendar = new DemandCalendar(this.startMs);
    this.#productsPerSeller = options.productsPerSeller ?? 60;
    this.#anomalies = options.anomalies ?? [];
    for (const a of this.#anomalies) {
      const store = this.store(a.store);
      if (!store) throw new RangeError(`anomaly: no store ${a.store}`);
      if ('product' in a && !this.catalog(store.seller)[a.product]?.listings[store.marketplace])
        throw new RangeError(`anomaly: ${a.store} lists no product ${a.product}`);
    }
  }

  /** The anomalies planted, as the truth tells them: where, when, which product. */
  get anomalies(): PlantedAnomaly[] {
    return this.#anomalies.map((a) => {
      const store = this.store(a.store) as StoreDef;
      const product = 'product' in a ? this.catalog(store.seller)[a.product] : undefined;
      const listing = product?.listings[store.marketplace];
      return {
        ...a,
        seller: store.seller,
        marketplace: store.marketplace,
        ...(product ? { sku: product.baseSku, title: listing?.title ?? product.baseSku } : {}),
      };
    });
  }

  store(key: string): StoreDef | undefined {
    return this.stores.find((s) => s.key === key);
  }

  storeByAccount(marketplace: SandboxMarketplace, accountId: string): StoreDef | undefined {
    return this.stores.find((s) => s.marketplace === marketplace && s.accountId === accountId);
  }

  catalog(seller: number): Product[] {
    let products = this.#catalogs.get(seller);
    if (!products) {
      products = buildCatalog(this.seed, seller, this.#productsPerSeller);
      // planted stock-outs (before the anomalies are checked, the catalog has none applied: set once)
      for (const a of this.#anomalies ?? []) {
        const store = a.kind === 'stock_out' ? this.store(a.store) : undefined;
        const listing =
          store?.seller === seller && a.kind === 'stock_out'
            ? products[a.product]?.listings[store.marketplace]
            : undefined;
        if (listing && a.kind === 'stock_out') listing.inventory = a.units;
      }
      this.#catalogs.set(seller, products);
    }
    return products;
  }

  orders(storeKey: string): StoreOrders {
    let orders = this.#orders.get(storeKey);
    if (!orders) {
      const store = this.store(storeKey);
      if (!store) throw new RangeError(`no store ${storeKey}`);
      const listed = listedOn(this.catalog(store.seller), store.marketplace);
      const mine = this.#anomalies.filter((a) => a.store === storeKey);
      const dips = new Map(
        mine.flatMap((a) => (a.kind === 'sales_drop' ? [[Date.parse(`${a.day}T00:00:00Z`), a.factor] as const] : [])),
      );
      const spikes = mine.flatMap((a) =>
        a.kind === 'return_spike' || a.kind === 'cancel_spike'
          ? [
              {
                kind: a.kind,
                productIndex: a.product,
                fromMs: Date.parse(`${a.from}T00:00:00Z`),
                toMs: Date.parse(`${a.from}T00:00:00Z`) + a.days * 86_400_000,
                rate: a.rate,
              },
            ]
          : [],
      );
      const largeOrders = mine.flatMap((a) =>
        a.kind === 'large_order' ? [{ fromMs: Date.parse(`${a.day}T00:00:00Z`), factor: a.factor }] : [],
      );
      const calendar = dips.size > 0 ? new DemandCalendar(this.startMs, dips) : this.#calendar;
      orders = new StoreOrders({ seed: this.seed, store, listed, spikes, largeOrders }, calendar, this.startMs);
      this.#orders.set(storeKey, orders);
    }
    return orders;
  }

  advanceClock(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('the clock only moves forward');
    const from = this.clockMs;
    this.clockMs += Math.round(ms);
    for (const listener of this.#clockListeners) listener(from, this.clockMs);
  }

  /** Hears every move of the clock (from, to); returns what stops it hearing. */
  onClock(listener: (fromMs: number, toMs: number) => void): () => void {
    this.#clockListeners.add(listener);
    return () => this.#clockListeners.delete(listener);
  }

  /** Changes `count` orders (and adds new ones) across the chosen stores, deterministically. */
  mutate(request: MutationRequest): MutationSummary {
    const from = this.clockMs;
    this.advanceClock(request.advanceMs ?? 60_000);
    const span = this.clockMs - from;
    const keys = request.stores ?? this.stores.map((s) => s.key);
    for (const key of keys) if (!this.store(key)) throw new RangeError(`no store ${key}`);
    const r = new Random(this.seed, 'mutation', ++this.#mutations);
    const summary: MutationSummary = {};
    const changes: { key: string; at: number }[] = [];
    for (let n = 0; n < request.count; n++) {
      const at = request.sameInstant ? this.clockMs : from + Math.round(((n + 1) / request.count) * span);
      changes.push({ key: keys[n % keys.length] as string, at: Math.floor(at / 1000) * 1000 });
    }
    const touched = new Set<string>();
    for (const { key, at } of changes) {
      const orders = this.orders(key);
      const counts = summary[key] ?? {};
      summary[key] = counts;
      if (r.chance(request.newShare ?? 0.2)) {
        orders.put(orders.newOrder(at));
        counts.new = (counts.new ?? 0) + 1;
      } else {
        // recent orders change more often than old ones
        const index = Math.max(0, orders.count - 1 - Math.floor(orders.count * r.next() ** 3));
        const current = orders.get(index);
        if (!current) continue;
        const { next, kind } = advanceLifecycle(current, Math.max(at, current.placedAt), r);
        orders.put(next);
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      touched.add(key);
    }
    for (const key of touched) this.orders(key).reindexOverlay();
    return summary;
  }
}

/**
 * insights: how well the detectors find what is planted, and how often they speak when
 * nothing is. Two sandboxes (each in its own process) with the same sellers and 18
 * months of history: one with nothing planted, one with, on random days of each store's
 * last `--days` (none in the first 9 weeks of it: the baselines need them):
 * - `--drops` sales drops (half empty days, half at 20% of the usual);
 * - `--spikes` return spikes and as many cancellation spikes (each on one of the store's
 *   best sellers, 7 days at a rate of `--spike-rate`);
 * - `--large` large orders (the day's first order, made 20× the store's median order);
 * - `--stock-outs` best sellers out of stock (now).
 * Each seller is synced whole, then the history is replayed: for every day of the last
 * `--days`, each detector runs as it would the morning after (09:00 in the seller's
 * zone) on what a sync that morning would have left. Low stock is checked once, now.
 *
 * An alert is what the seller would be sent: a lasting finding (a spike) found on days
 * in a row is one alert, from its first day; a large order is one alert. Per detector:
 * recall (plants alerted within their days), `first_sync_recall` (alerted the morning
 * after their first day: "within one sync of the day they start"), precision (alerts
 * that are a plant, on the planted history), and false alerts per seller per 30 days on
 * the history with nothing planted; and all of them together.
 *
 * Then the digest for many sellers due at the same minute (digest-fleet.ts), unless
 * `--digest-sellers 0`.
 *
 * Options: --sellers (default 3), --orders per store (default 40000), --days (default
 * 365), --drops (6), --spikes (3), --spike-rate (0.6), --large (3), --stock-outs (2),
 * --seed (42), --digest-sellers (default 10000; its options as digest-fleet's).
 */

import { readSellerData } from '../src/analytics/seller-reads.ts';
import { loadSellerScope } from '../src/analytics/seller-scope.ts';
import { connectSandboxSeller } from '../src/connections/sandbox-connect.ts';
import { type AlertKind, MARKETPLACES } from '../src/db/enums.ts';
import { detectorOf, type Finding } from '../src/insights/detectors.ts';
import { parseAnomalies } from '../src/sandbox/world/anomalies.ts';
import { Random } from '../src/sandbox/world/random.ts';
import { SandboxWorld } from '../src/sandbox/world/world.ts';
import { syncSellers } from '../src/sync/sync-manager.ts';
import { addDays } from '../src/time/local-time.ts';
import { digestFleet } from './digest-fleet.ts';
import type { Bench } from './run.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';
import { round } from './support/stats.ts';
import { openBenchDatabase } from './support/sync-setup.ts';

const START = '2026-11-01';
const DAY_MS = 86_400_000;
/** The detectors replayed day by day (low stock is a state: checked once). */
const REPLAYED: AlertKind[] = ['sales_drop', 'return_spike', 'cancel_spike', 'large_order'];
const SPIKE_DAYS = 7;

interface Plant {
  kind: AlertKind;
  seller: number;
  marketplace: string;
  /** Its first day (none for a stock-out). */
  day: string;
  /** Days it lasts. */
  days: number;
  /** The product's normalized SKU (spikes, stock-outs). */
  sku?: string;
  spec: string;
}

/** An alert as the seller would get it. */
interface Alert {
  kind: AlertKind;
  seller: number;
  marketplace: string;
  /** The morning's day before: when it was first found. */
  day: string;
  /** What it is about: the day of a drop, the product of a spike, the order of a large order. */
  subject: string;
  text: string;
}

const bench: Bench = async (options) => {
  const sellers = Number(options.sellers ?? 3);
  const orders = Number(options.orders ?? 40_000);
  const days = Number(options.days ?? 365);
  const drops = Number(options.drops ?? 6);
  const spikeCount = Number(options.spikes ?? 3);
  const spikeRate = Number(options['spike-rate'] ?? 0.6);
  const largeCount = Number(options.large ?? 3);
  const stockOuts = Number(options['stock-outs'] ?? 2);
  const seed = Number(options.seed ?? 42);
  const startMs = Date.parse(`${START}T00:00:00Z`);

  const plants = plantAnomalies({ sellers, orders, days, drops, spikeCount, spikeRate, largeCount, stockOuts, seed });
  process.stderr.write(`planted: ${plants.length} anomalies over ${sellers} sellers × 3 stores\n`);

  const run = async (anomalies: string | undefined) => {
    const sandbox = await startSandboxProcess([
      '--sellers',
      String(sellers),
      '--orders',
      String(orders),
      '--seed',
      String(seed),
      '--start',
      START,
      '--no-limits',
      ...(anomalies ? ['--anomalies', anomalies] : []),
    ]);
    const db = await openBenchDatabase();
    const { pool, vault, config, log } = db;
    try {
      const fast = { ...config, flipkart: { ...config.flipkart, maxRequestsPerS: 1000 } };
      const alerts: Alert[] = [];
      const stockLow: { seller: number; marketplace: string; sku: string }[] = [];
      const detectorMs = new Map<AlertKind, number>();
      let mornings = 0;
      for (let seller = 1; seller <= sellers; seller++) {
        const { userId } = await connectSandboxSeller(
          { pool, vault, config },
          { sandboxUrl: sandbox.base, seller: String(seller) },
        );
        process.stderr.write(`\rseller ${seller}: syncing`);
        await syncSellers({ pool, vault, config: fast, log }, { userIds: [userId], trigger: 'manual' });
        const scope = await loadSellerScope(pool, userId);
        if (!scope) throw new Error('no seller');
        const find = async (kind: AlertKind, now: Date): Promise<Finding[]> => {
          const t = performance.now();
          const found = await readSellerData(pool, scope, (sdb) =>
            detectorOf(kind).find({ db: sdb, pool, scope, now, since: new Date(0), staleAfterMs: 365 * DAY_MS }),
          );
          detectorMs.set(kind, (detectorMs.get(kind) ?? 0) + performance.now() - t);
          return found;
        };
        // what each lasting finding was found on the morning before (a run of days is one alert)
        const open = new Set<string>();
        const told = new Set<string>();
        for (let d = days; d >= 1; d--) {
          const day = addDays(START, -d);
          // the morning after `day`, in the seller's zone (09:00 UTC here: sandbox sellers are in UTC)
          const now = new Date(`${addDays(day, 1)}T09:00:00Z`);
          const found = new Set<string>();
          for (const kind of REPLAYED) {
            for (const f of await find(kind, now)) {
              const subject =
                kind === 'sales_drop'
                  ? String(f.facts.day)
                  : kind === 'large_order'
                    ? String(f.facts.orderId)
                    : String(f.sku).toUpperCase();
              const key = `${kind}|${f.marketplace}|${subject}`;
              found.add(key);
              const lasting = kind === 'return_spike' || kind === 'cancel_spike';
              if (lasting ? open.has(key) : told.has(key)) continue;
              told.add(key);
              alerts.push({ kind, seller, marketplace: f.marketplace as string, day, subject, text: f.text });
            }
          }
          open.clear();
          for (const key of found) open.add(key);
          mornings++;
          if (d % 30 === 0) process.stderr.write(`\rseller ${seller}: ${days - d} / ${days} days replayed   `);
        }
        // low stock: now, as the last sync left it
        for (const f of await find('stock_low', new Date(startMs + 9 * 3_600_000)))
          stockLow.push({ seller, marketplace: f.marketplace as string, sku: String(f.sku).toUpperCase() });
      }
      process.stderr.write('\n');
      return { alerts, stockLow, detectorMs, mornings };
    } finally {
      await db.stop();
      await sandbox.stop();
    }
  };

  process.stderr.write('nothing planted:\n');
  const clean = await run(undefined);
  process.stderr.write('planted:\n');
  const planted = await run(plants.map((p) => p.spec).join(';'));

  const monthsPerSeller = (days / 30) * sellers;
  const metrics: Record<string, number> = {};
  // a plant's alert: its drop's day; its order (the first of its day: seen by that
  // morning's sync, the replay's day before, or a later one); its product, from its
  // first day to a week after its last
  const during = (p: Plant, a: Alert) => a.day >= p.day && a.day <= addDays(p.day, p.days + SPIKE_DAYS - 1);
  const explains = (p: Plant, a: Alert) =>
    p.kind === a.kind &&
    p.seller === a.seller &&
    p.marketplace === a.marketplace &&
    (p.kind === 'sales_drop'
      ? a.subject === p.day
      : p.kind === 'large_order'
        ? a.day >= addDays(p.day, -1) && a.day <= addDays(p.day, 2)
        : a.subject === p.sku && during(p, a));
  // a product bought with a spiked one, alerted meanwhile: its orders were the planted
  // cancellations (an order is cancelled whole); no false alert, and no plant found
  const collateral = (p: Plant, a: Alert) =>
    p.kind === 'cancel_spike' &&
    a.kind === p.kind &&
    p.seller === a.seller &&
    p.marketplace === a.marketplace &&
    during(p, a);
  const firstSync = (p: Plant, a: Alert) => a.day <= p.day;
  let allPlanted = 0;
  let allFound = 0;
  let allFirst = 0;
  let allTrue = 0;
  let allAlerts = 0;
  for (const kind of [...REPLAYED, 'stock_low' as const]) {
    const mine = plants.filter((p) => p.kind === kind);
    let found = 0;
    let first = 0;
    let alerts = 0;
    let truePositives = 0;
    let falseClean = 0;
    if (kind === 'stock_low') {
      // low stock is a state, not an event: a finding is right when the sandbox's listing
      // really has under a week of its last 30 days' pace, planted or not
      const hit = (p: Plant) =>
        planted.stockLow.some((s) => s.seller === p.seller && s.marketplace === p.marketplace && s.sku === p.sku);
      found = mine.filter(hit).length;
      first = found;
      const plantedTruth = stockTruth(sellers, orders, seed, plants.map((p) => p.spec).join(';'));
      const cleanTruth = stockTruth(sellers, orders, seed, undefined);
      alerts = planted.stockLow.length;
      truePositives = planted.stockLow.filter((s) => plantedTruth.has(`${s.seller}|${s.marketplace}|${s.sku}`)).length;
      falseClean = clean.stockLow.filter((s) => !cleanTruth.has(`${s.seller}|${s.marketplace}|${s.sku}`)).length;
      metrics.stock_low_found_clean_history = clean.stockLow.length;
      metrics.stock_low_truly_low_clean_history = cleanTruth.size;
    } else {
      const ofKind = planted.alerts.filter((a) => a.kind === kind);
      found = mine.filter((p) => ofKind.some((a) => explains(p, a))).length;
      first = mine.filter((p) => ofKind.some((a) => explains(p, a) && firstSync(p, a))).length;
      const counted = ofKind.filter((a) => !mine.some((p) => !explains(p, a) && collateral(p, a)));
      alerts = counted.length;
      truePositives = counted.filter((a) => mine.some((p) => explains(p, a))).length;
      falseClean = clean.alerts.filter((a) => a.kind === kind).length;
      const unexplained = counted.filter((a) => !mine.some((p) => explains(p, a)));
      if (unexplained.length > 0)
        process.stderr.write(`${kind}: alerts no plant explains: ${JSON.stringify(unexplained.slice(0, 5))}\n`);
      const missed = mine.filter((p) => !ofKind.some((a) => explains(p, a)));
      if (missed.length > 0) process.stderr.write(`${kind}: plants missed: ${JSON.stringify(missed.slice(0, 5))}\n`);
      const ms = (clean.detectorMs.get(kind) ?? 0) + (planted.detectorMs.get(kind) ?? 0);
      metrics[`${kind}_ms_per_run`] = round(ms / (clean.mornings + planted.mornings), 1);
    }
    metrics[`${kind}_planted`] = mine.length;
    metrics[`${kind}_recall`] = round(found / Math.max(1, mine.length), 3);
    metrics[`${kind}_first_sync_recall`] = round(first / Math.max(1, mine.length), 3);
    metrics[`${kind}_precision`] = round(truePositives / Math.max(1, alerts), 3);
    metrics[`${kind}_false_per_seller_per_30_days`] = round(falseClean / monthsPerSeller, 3);
    allPlanted += mine.length;
    allFound += found;
    allFirst += first;
    allTrue += truePositives;
    allAlerts += alerts;
  }
  // low stock found on the clean history is no false alert where the stock is really low
  const cleanAlerts = clean.alerts.length + (metrics.stock_low_false_per_seller_per_30_days ?? 0) * monthsPerSeller;
  Object.assign(metrics, {
    planted: allPlanted,
    recall: round(allFound / allPlanted, 3),
    first_sync_recall: round(allFirst / allPlanted, 3),
    precision: round(allTrue / Math.max(1, allAlerts), 3),
    false_alerts_clean_history: cleanAlerts,
    false_alerts_per_seller_per_30_days: round(cleanAlerts / monthsPerSeller, 3),
  });
  if (clean.alerts.length > 0)
    process.stderr.write(`alerts on the clean history: ${JSON.stringify(clean.alerts.slice(0, 10))}\n`);

  const digestSellers = Number(options['digest-sellers'] ?? 10_000);
  const params: Record<string, unknown> = {
    sellers,
    orders_per_store: orders,
    days,
    drops_per_store: drops,
    spikes_per_store: spikeCount,
    spike_rate: spikeRate,
    large_orders_per_store: largeCount,
    stock_outs_per_store: stockOuts,
    seed,
  };
  if (digestSellers > 0) {
    process.stderr.write(`digests for ${digestSellers} sellers due at one minute:\n`);
    const fleet = await digestFleet({ ...options, sellers: String(digestSellers) });
    for (const [k, v] of Object.entries(fleet.params)) params[`digest_${k}`] = v;
    for (const [k, v] of Object.entries(fleet.metrics)) metrics[`digest_${k}`] = v;
  }
  return { params, metrics };
};

/**
 * The listings that really are low (`seller|marketplace|SKU`): in stock for fewer than 7
 * days at their last 30 days' pace, or out, having sold 3 or more in those days (the
 * stock-low rule, on the sandbox's own inventory and orders).
 */
function stockTruth(sellers: number, orders: number, seed: number, anomalies: string | undefined): Set<string> {
  const startMs = Date.parse(`${START}T00:00:00Z`);
  const world = new SandboxWorld({
    seed,
    sellers,
    ordersPerStore: orders,
    startMs,
    anomalies: parseAnomalies(anomalies),
  });
  const low = new Set<string>();
  for (let seller = 1; seller <= sellers; seller++) {
    const catalog = world.catalog(seller);
    for (const marketplace of MARKETPLACES) {
      const sold = new Map<number, number>();
      const storeOrders = world.orders(`s${seller}-${marketplace}`);
      for (let i = storeOrders.count - 1; i >= 0; i--) {
        const order = storeOrders.get(i);
        if (!order || order.placedAt < startMs - 30 * DAY_MS) break;
        if (order.cancelledAt !== null) continue;
        for (const line of order.lines)
          sold.set(line.product.index, (sold.get(line.product.index) ?? 0) + line.quantity);
      }
      for (const [index, units] of sold) {
        const stock = catalog[index]?.listings[marketplace]?.inventory;
        if (units < 3 || stock === undefined) continue;
        if (stock === 0 || stock / (units / 30) < 7)
          low.add(`${seller}|${marketplace}|${catalog[index]?.baseSku.toUpperCase()}`);
      }
    }
  }
  return low;
}

/**
 * What to plant where: random days of each store's last `days` (after its first 9
 * weeks), spikes and stock-outs on the store's best sellers over that year (each
 * product planted once, so one plant is never another's baseline).
 */
function plantAnomalies(o: {
  sellers: number;
  orders: number;
  days: number;
  drops: number;
  spikeCount: number;
  spikeRate: number;
  largeCount: number;
  stockOuts: number;
  seed: number;
}): Plant[] {
  const startMs = Date.parse(`${START}T00:00:00Z`);
  const world = new SandboxWorld({ seed: o.seed, sellers: o.sellers, ordersPerStore: o.orders, startMs });
  const r = new Random(o.seed, 'insights-plants');
  const plants: Plant[] = [];
  const someDays = (n: number, lastOffset: number) => {
    const taken = new Set<string>();
    while (taken.size < n) taken.add(addDays(START, -lastOffset - r.int(0, o.days - 63 - lastOffset)));
    return [...taken].sort();
  };
  for (let seller = 1; seller <= o.sellers; seller++) {
    const catalog = world.catalog(seller);
    for (const marketplace of MARKETPLACES) {
      const store = `s${seller}-${marketplace}`;
      // the store's products by how many orders of the last year hold them
      const counts = new Map<number, number>();
      const storeOrders = world.orders(store);
      for (let i = 0; i < storeOrders.count; i++) {
        const order = storeOrders.get(i);
        if (!order || order.placedAt < startMs - o.days * DAY_MS) continue;
        for (const line of order.lines) counts.set(line.product.index, (counts.get(line.product.index) ?? 0) + 1);
      }
      const best = [...counts].sort((a, b) => b[1] - a[1]).map(([index]) => index);
      const sku = (index: number) => (catalog[index]?.baseSku ?? '').toUpperCase();
      const at = (kind: AlertKind, day: string, days: number, spec: string, product?: number) =>
        plants.push({
          kind,
          seller,
          marketplace,
          day,
          days,
          spec,
          ...(product === undefined ? {} : { sku: sku(product) }),
        });
      someDays(o.drops, 1).forEach((day, i) => {
        at('sales_drop', day, 1, `sales_drop:${store}:${day}:${i % 2 === 0 ? 0 : 0.2}`);
      });
      someDays(o.largeCount, 1).forEach((day) => {
        at('large_order', day, 1, `large_order:${store}:${day}:20`);
      });
      // the best sellers, taken in turn by the two kinds of spike
      let next = 0;
      const kinds = ['return_spike', 'cancel_spike'] as const;
      const days = kinds.map(() => someDays(o.spikeCount, SPIKE_DAYS));
      for (let i = 0; i < o.spikeCount; i++)
        kinds.forEach((kind, k) => {
          const day = days[k]?.[i] as string;
          const product = best[next++] as number;
          at(kind, day, SPIKE_DAYS, `${kind}:${store}:${product}:${day}:${SPIKE_DAYS}:${o.spikeRate}`, product);
        });
      for (let i = 0; i < o.stockOuts; i++) {
        const product = best[next++] as number;
        at('stock_low', START, 0, `stock_out:${store}:${product}:0`, product);
      }
    }
  }
  return plants;
}

export default bench;

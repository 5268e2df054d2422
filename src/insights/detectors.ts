/**
 * What is worth telling a seller unasked, found in their own data after a sync. Each
 * detector measures against the seller's own history, and keeps quiet until there is
 * enough of it:
 *
 * - `sales_drop`: a marketplace's revenue or orders on a finished day at most half of
 *   what is expected, and far outside it: revenue more than 3 MADs below, or orders a
 *   count with under 0.5% chance at that rate (Poisson). Expected: the median of the
 *   same weekday over the 8 weeks before (one odd week does not move it), scaled by how
 *   the seller's other marketplaces did against theirs that day (a season or a holiday
 *   moves them all; a marketplace's own trouble, only it). At least 6 of those weekdays
 *   must have sold;
 * - `return_spike`: the orders of a product whose units came back on a marketplace
 *   yesterday, or over the last 7 days (by the day they came back), against the orders
 *   they come from (for each day, the product's orders a day over the 4 weeks before
 *   it), well above the same over the 8 weeks before (drawn toward the marketplace's
 *   rate by 50 orders): at least 3, twice the usual rate and 10 points above it, and a
 *   count under 0.03% likely yesterday, 0.001% over the 7 days, given what the weeks
 *   before saw (a negative binomial: a rate seen over few orders is known loosely). It
 *   is asked of every product every day;
 * - `cancel_spike`: the same for a product's orders placed yesterday, or over the last
 *   7 days, whose lines of it were cancelled: k of n orders (a beta-binomial);
 * - `stock_low`: a product that sells, with stock for fewer than 7 days at its last
 *   30 days' pace, or none left;
 * - `connection`: a marketplace whose syncs have failed for 12 hours or more;
 * - `large_order`: an order the sync brought in worth more than 10× the seller's median
 *   order and more than 99.5% of their orders of the 90 days before (30 orders at least;
 *   not "more than any": one large order would hide the next for three months).
 *
 * A finding names its marketplace (and product), carries its numbers, and the question
 * to ask next; its dedupe key says what it is about.
 */
import { connectionFreshness } from '../analytics/freshness.ts';
import { inventoryStatus } from '../analytics/inventory.ts';
import { resolvePeriod } from '../analytics/period.ts';
import { salesReport } from '../analytics/sales.ts';
import type { SellerScope } from '../analytics/seller-scope.ts';
import { marketplaceName } from '../conversation/format/labels.ts';
import { formatCount, formatMoney } from '../conversation/format/money-format.ts';
import { type AlertKind, MARKETPLACES, type Marketplace } from '../db/enums.ts';
import type { Queryable } from '../db/pool.ts';
import type { SellerDb } from '../db/seller-reader.ts';
import { addDays, instantOf, localDate, weekdayName } from '../time/local-time.ts';
import { betaBinomialTail, negativeBinomialTail, poissonCdf } from './distributions.ts';

export const ALERT_RULES = {
  salesDrop: { weeks: 8, minWeeksSold: 6, madFactor: 3, maxShareOfMedian: 0.5, ordersTail: 0.005 },
  /**
   * What the return and cancellation spikes look at: yesterday, the last 7 days, and the 8
   * weeks before; a return comes from the orders of the 4 weeks before it.
   */
  spikeWindows: { recentDays: 7, baselineDays: 56, returnLagDays: 28 },
  /** The return and the cancellation spike: one rule, each over its own count. */
  spike: {
    minCount: 3,
    minBaseline: 20,
    factor: 2,
    margin: 0.1,
    tails: { day: 0.0003, recent: 0.00001 },
    prior: 50,
  },
  stockLow: { days: 7, velocityDays: 30, minUnitsSold: 3 },
  connection: { failingForMs: 12 * 3_600_000 },
  largeOrder: { historyDays: 90, minOrders: 30, medianFactor: 10, percentile: 0.995, recentDays: 3 },
} as const;

export interface Finding {
  kind: AlertKind;
  dedupeKey: string;
  marketplace?: Marketplace;
  sku?: string;
  /** What happened, with its numbers. */
  text: string;
  /** The question to ask next. */
  ask: string;
  facts: Record<string, unknown>;
}

export interface DetectorInput {
  /** The seller's rows, read as the seller (rollups up to date). */
  db: SellerDb;
  /** The service's pool: sync state and connections. */
  pool: Queryable;
  scope: SellerScope;
  now: Date;
  /** The sync's start: rows written since are what it changed. */
  since: Date;
  staleAfterMs: number;
}

export interface Detector {
  kind: AlertKind;
  /** Its findings last (low stock, a failing connection): cleared when no longer found. */
  lasting: boolean;
  find(input: DetectorInput): Promise<Finding[]>;
}

const pct = (rate: number) => `${Math.round(rate * 100)}%`;

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median absolute deviation, scaled to a standard deviation's size for normal data. */
export const mad = (values: number[]) => {
  const m = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - m)));
};

const salesDrop: Detector = {
  kind: 'sales_drop',
  lasting: false,
  async find(input) {
    const { scope } = input;
    const rules = ALERT_RULES.salesDrop;
    const day = addDays(localDate(input.now, scope.timezone), -1);
    // the day and the weeks before it, by day, for each marketplace
    const from = addDays(day, -7 * rules.weeks);
    const period = resolvePeriod({ kind: 'range', from, to: day }, input.now, scope.timezone);
    const findings: Finding[] = [];
    const reports = await Promise.all(
      MARKETPLACES.map(async (marketplace) => ({
        marketplace,
        rows: (await salesReport(input.db, scope, period, { by: 'day', filters: { marketplaces: [marketplace] } }))
          .rows,
      })),
    );
    // each marketplace's day and its usual (the same weekday of the weeks before)
    const stats = reports.flatMap(({ marketplace, rows }) => {
      const of = (d: string) => rows.find((r) => r.key === d);
      const history = Array.from({ length: rules.weeks }, (_, k) => addDays(day, -7 * (k + 1)));
      const revenues = history.map((d) => Number(of(d)?.revenue ?? 0));
      const orders = history.map((d) => of(d)?.orders ?? 0);
      if (orders.filter((n) => n > 0).length < rules.minWeeksSold) return [];
      return [
        {
          marketplace,
          revenue: Number(of(day)?.revenue ?? 0),
          count: of(day)?.orders ?? 0,
          revenues,
          usualRevenue: median(revenues),
          usualOrders: median(orders),
        },
      ];
    });
    for (const m of stats) {
      // how the seller's other marketplaces did against their usual that day: a season, a
      // holiday or the seller's own pause moves them all, a marketplace's own trouble only it
      const others = stats.filter((o) => o !== m);
      const share = (value: (o: (typeof stats)[number]) => number, usual: (o: (typeof stats)[number]) => number) => {
        const base = others.reduce((n, o) => n + usual(o), 0);
        return others.length > 0 && base > 0 ? others.reduce((n, o) => n + value(o), 0) / base : 1;
      };
      const revenueShare = share(
        (o) => o.revenue,
        (o) => o.usualRevenue,
      );
      const ordersShare = share(
        (o) => o.count,
        (o) => o.usualOrders,
      );
      const expectedRevenue = m.usualRevenue * revenueShare;
      const expectedOrders = m.usualOrders * ordersShare;
      // revenue: far outside its own spread; orders: a count that unlikely at the expected
      // rate (a Poisson tail: the spread of weeks that straddle a season says little)
      const lowRevenue =
        expectedRevenue > 0 &&
        m.revenue <= expectedRevenue * rules.maxShareOfMedian &&
        m.revenue < expectedRevenue - rules.madFactor * mad(m.revenues) * revenueShare;
      const lowOrders =
        expectedOrders > 0 &&
        m.count <= expectedOrders * rules.maxShareOfMedian &&
        poissonCdf(m.count, expectedOrders) < rules.ordersTail;
      if (!lowRevenue && !lowOrders) continue;
      const { marketplace, revenue, count, usualRevenue: usual } = m;
      const name = marketplaceName(marketplace);
      const dayName = weekdayName(day);
      const othersNote =
        others.length > 0 ? ` Your other marketplaces were at ${pct(revenueShare)} of their usual that day.` : '';
      findings.push({
        kind: 'sales_drop',
        dedupeKey: `sales_drop:${marketplace}:${day}`,
        marketplace,
        text: `${name} sales fell on ${dayName} ${day}: ${formatMoney(revenue, scope.currency)} from ${formatCount(count, scope.currency)} orders, against ${formatMoney(usual, scope.currency)} from ${m.usualOrders} on a usual ${dayName} (the median of the ${rules.weeks} before; ${pct((revenue - usual) / usual)}).${othersNote}`,
        ask: `Which products sold less on ${name} on ${day} than usual?`,
        facts: {
          day,
          revenue,
          orders: count,
          usualRevenue: usual,
          usualOrders: m.usualOrders,
          othersShare: revenueShare,
        },
      });
    }
    return findings;
  },
};

/** A product's orders in a stretch of days: placed (lines not cancelled), cancelled, and come back. */
interface OrderCounts {
  orders: number;
  cancelled: number;
  returned: number;
  /**
   * The orders the returns of the stretch come from: for each of its days, the product's
   * orders (not cancelled) a day over the `returnLagDays` before it.
   */
  exposure: number;
}

/**
 * A product on a marketplace yesterday, over the recent days up to yesterday, and over
 * the weeks before them. Counted in orders: a return of three units is one buyer's one
 * return, an order of two is one order to cancel.
 */
interface ProductWindows {
  marketplace: Marketplace;
  sku: string;
  title: string;
  day: OrderCounts;
  recent: OrderCounts;
  before: OrderCounts;
}

/**
 * Each product's orders, placed and cancelled (by the day ordered, from the product
 * rollup), returned (by the day the units came back) and the orders those returns come
 * from, yesterday, over the `recentDays` up to yesterday, and over the `baselineDays`
 * before them, in the seller's days.
 */
type Windows = { rows: ProductWindows[]; from: string; to: string };

/** Read once for all the detectors of one check (the return and the cancellation spikes). */
const windowsRead = new WeakMap<DetectorInput, Promise<Windows>>();

function productWindows(input: DetectorInput): Promise<Windows> {
  let read = windowsRead.get(input);
  if (!read) {
    read = readProductWindows(input);
    windowsRead.set(input, read);
  }
  return read;
}

async function readProductWindows(input: DetectorInput): Promise<Windows> {
  const { recentDays, baselineDays, returnLagDays } = ALERT_RULES.spikeWindows;
  const { scope } = input;
  const to = addDays(localDate(input.now, scope.timezone), -1);
  const from = addDays(to, 1 - recentDays);
  const baseFrom = addDays(from, -baselineDays);
  const at = (day: string) => instantOf(day, '00:00', scope.timezone);
  type Counts<P extends string> = Record<`orders${P}` | `cancelled${P}` | `returned${P}` | `exposure${P}`, number>;
  // a day's orders count toward the exposure of each of the `returnLagDays` days after it
  // that falls in the stretch [$a, $b]
  const exposure = (a: string, b: string) =>
    `coalesce(sum(orders * greatest(0, least(${b}::date, day + ${returnLagDays}) - greatest(${a}::date, day + 1) + 1)) / ${returnLagDays}.0, 0)::float8`;
  const { rows } = await input.db.query<
    { marketplace: Marketplace; sku: string; title: string } & Counts<'_day'> & Counts<''> & Counts<'_before'>
  >(
    `with sold as (
       select marketplace, sku, max(title) as title,
              coalesce(sum(orders) filter (where day = $4), 0)::int as orders_day,
              coalesce(sum(cancelled_orders) filter (where day = $4), 0)::int as cancelled_day,
              coalesce(sum(orders) filter (where day >= $3), 0)::int as orders,
              coalesce(sum(cancelled_orders) filter (where day >= $3), 0)::int as cancelled,
              coalesce(sum(orders) filter (where day >= $2 and day < $3), 0)::int as orders_before,
              coalesce(sum(cancelled_orders) filter (where day >= $2 and day < $3), 0)::int as cancelled_before,
              ${exposure('$4', '$4')} as exposure_day,
              ${exposure('$3', '$4')} as exposure,
              ${exposure('$2', `($3::date - 1)`)} as exposure_before
         from product_rollup
        where user_id = $1 and day >= $9 and day <= $4
        group by 1, 2),
     back as (
       select marketplace, coalesce(normalized_sku, 'title:' || title) as sku,
              count(distinct order_id) filter (where returned_at >= $7)::int as returned_day,
              count(distinct order_id) filter (where returned_at >= $6)::int as returned,
              count(distinct order_id) filter (where returned_at < $6)::int as returned_before
         from unified_order_item
        where user_id = $1 and returned_at >= $5 and returned_at < $8
        group by 1, 2)
     select sold.*, coalesce(back.returned_day, 0) as returned_day, coalesce(back.returned, 0) as returned,
            coalesce(back.returned_before, 0) as returned_before
       from sold left join back on back.marketplace = sold.marketplace and back.sku = sold.sku`,
    [
      scope.userId,
      baseFrom,
      from,
      to,
      at(baseFrom),
      at(from),
      at(to),
      at(addDays(to, 1)),
      addDays(baseFrom, -returnLagDays),
    ],
  );
  const counts = (r: (typeof rows)[number], p: '_day' | '' | '_before'): OrderCounts => ({
    orders: r[`orders${p}`],
    cancelled: r[`cancelled${p}`],
    returned: r[`returned${p}`],
    exposure: r[`exposure${p}`],
  });
  return {
    from,
    to,
    rows: rows.map((r) => ({
      marketplace: r.marketplace,
      sku: r.sku,
      title: r.title,
      day: counts(r, '_day'),
      recent: counts(r, ''),
      before: counts(r, '_before'),
    })),
  };
}

interface SpikeRules {
  minCount: number;
  minBaseline: number;
  factor: number;
  margin: number;
  /** How unlikely the count must be, yesterday alone and over the recent days. */
  tails: { day: number; recent: number };
  /** Orders' worth of the marketplace's own rate the product's usual rate starts from. */
  prior: number;
}

/** What a spike detector counts: the events, what they are a share of, and how likely a count is. */
interface SpikeMeasure {
  count: (c: OrderCounts) => number;
  base: (c: OrderCounts) => number;
  /** P(count ≥ k) over `base`, at a rate known from `usual` events over `usualBase`. */
  tail: (k: number, base: number, usual: number, usualBase: number) => number;
}

/** A product whose rate jumped: over which stretch (`days` up to yesterday), and its numbers. */
interface Spike {
  row: ProductWindows;
  days: number;
  count: number;
  base: number;
  rate: number;
  usual: number;
}

/**
 * The products whose rate (`count` over `base`) jumped, yesterday alone or over the
 * recent days, against their usual rate over the weeks before (drawn toward the
 * marketplace's rate by `prior` orders: a product with few sales and no returns yet does
 * not usually return nothing): at least `minCount`, at least `factor` times the usual rate
 * and `margin` above it, and a count that unlikely given the weeks before (`tails`: it is
 * asked of every product every day; yesterday alone is asked once, the recent days again
 * each day, so they must be rarer).
 */
function spikes(rows: ProductWindows[], rules: SpikeRules, m: SpikeMeasure): Spike[] {
  const { recentDays } = ALERT_RULES.spikeWindows;
  const sums = new Map<Marketplace, [number, number]>();
  for (const r of rows) {
    const [c, b] = sums.get(r.marketplace) ?? [0, 0];
    sums.set(r.marketplace, [c + m.count(r.before), b + m.base(r.before)]);
  }
  return rows.flatMap((row) => {
    if (m.base(row.before) < rules.minBaseline) return [];
    const [c, b] = sums.get(row.marketplace) ?? [0, 0];
    // half an event over one order more: a marketplace with none yet is not one that never has any
    const usualCount = m.count(row.before) + (rules.prior * (c + 0.5)) / (b + 1);
    const usualBase = m.base(row.before) + rules.prior;
    const usual = usualCount / usualBase;
    for (const [days, counts, tail] of [
      [1, row.day, rules.tails.day],
      [recentDays, row.recent, rules.tails.recent],
    ] as const) {
      const count = m.count(counts);
      const base = m.base(counts);
      if (count < rules.minCount || base <= 0) continue;
      const rate = count / base;
      if (rate < Math.max(rules.factor * usual, usual + rules.margin)) continue;
      if (m.tail(count, base, usualCount, usualBase) >= tail) continue;
      return [{ row, days, count, base, rate, usual }];
    }
    return [];
  });
}

const inLast = (days: number) => (days === 1 ? 'yesterday' : `in the last ${days} days`);
const weeksBefore = `the ${ALERT_RULES.spikeWindows.baselineDays / 7} weeks before`;

/**
 * A detector of products whose rate of `measure` jumped (the windows are read once for
 * both kinds); `describe` words a spike: its text, the question to ask, its numbers.
 */
function spikeDetector(
  kind: 'return_spike' | 'cancel_spike',
  measure: SpikeMeasure,
  describe: (spike: Spike, name: string) => Pick<Finding, 'text' | 'ask' | 'facts'>,
): Detector {
  return {
    kind,
    lasting: true,
    async find(input) {
      const { rows, from, to } = await productWindows(input);
      return spikes(rows, ALERT_RULES.spike, measure).map((spike) => {
        const { row, days } = spike;
        const said = describe(spike, marketplaceName(row.marketplace));
        return {
          kind,
          dedupeKey: `${kind}:${row.marketplace}:${row.sku}`,
          marketplace: row.marketplace,
          sku: row.sku,
          ...said,
          facts: { ...said.facts, from: days === 1 ? to : from, to },
        };
      });
    },
  };
}

// returns come back over the weeks after their orders: counted against those orders (a
// product that stopped selling still has them out with buyers)
const returnSpike = spikeDetector(
  'return_spike',
  { count: (c) => c.returned, base: (c) => c.exposure, tail: negativeBinomialTail },
  ({ row, days, count, base, rate, usual }, name) => {
    const expected = base * usual;
    return {
      text: `Returns of ${row.title} on ${name} jumped: ${count} orders of it came back ${inLast(days)}, against about ${expected < 10 ? expected.toFixed(1) : Math.round(expected)} usual for its sales (${pct(usual)} of its orders came back over ${weeksBefore}).`,
      ask: `Why are ${row.title} returns up on ${name}?`,
      facts: { returned: count, expected, rate, usualRate: usual },
    };
  },
);

const cancelSpike = spikeDetector(
  'cancel_spike',
  { count: (c) => c.cancelled, base: (c) => c.orders + c.cancelled, tail: betaBinomialTail },
  ({ row, days, count, base, rate, usual }, name) => ({
    text: `Cancellations of ${row.title} on ${name} jumped: ${count} of ${base} orders of it ${days === 1 ? 'placed yesterday' : `placed in the last ${days} days`} were cancelled (${pct(rate)}), against ${pct(usual)} over ${weeksBefore}.`,
    ask: `Why are ${row.title} orders being cancelled on ${name}?`,
    facts: { cancelled: count, ordered: base, rate, usualRate: usual },
  }),
);

const stockLow: Detector = {
  kind: 'stock_low',
  lasting: true,
  async find(input) {
    const rules = ALERT_RULES.stockLow;
    const rows = await inventoryStatus(input.db, input.scope, input.now, { velocityDays: rules.velocityDays });
    return rows
      .filter(
        (r) =>
          r.unitsSold >= rules.minUnitsSold &&
          r.stock !== null &&
          (r.outOfStock || (r.daysOfCover !== null && r.daysOfCover < rules.days)),
      )
      .map((r) => {
        const name = marketplaceName(r.marketplace);
        const days = Math.max(0, Math.floor(r.daysOfCover ?? 0));
        return {
          kind: 'stock_low' as const,
          dedupeKey: `stock_low:${r.marketplace}:${r.sku}`,
          marketplace: r.marketplace,
          sku: r.sku,
          text: r.outOfStock
            ? `${r.title} is out of stock on ${name}; it sold ${r.unitsSold} in the last ${rules.velocityDays} days.`
            : `${r.title} runs out on ${name} in about ${days} ${days === 1 ? 'day' : 'days'}: ${r.stock} left, selling ${r.unitsPerDay.toFixed(1)} a day.`,
          ask: `How is ${r.title} selling on each marketplace?`,
          facts: { stock: r.stock, unitsPerDay: r.unitsPerDay, daysOfCover: r.daysOfCover },
        };
      });
  },
};

const connection: Detector = {
  kind: 'connection',
  lasting: true,
  async find(input) {
    const rows = await connectionFreshness(input.pool, input.scope, input.now, input.staleAfterMs);
    return rows
      .filter(
        (c) => c.failing && input.now.getTime() - c.failing.since.getTime() >= ALERT_RULES.connection.failingForMs,
      )
      .map((c) => {
        const name = marketplaceName(c.marketplace);
        return {
          kind: 'connection' as const,
          dedupeKey: `connection:${c.connectionId}`,
          marketplace: c.marketplace,
          text: `${name} (${c.account}) has not synced since ${c.failing?.sinceLocal}: its syncs keep failing, so its figures are from ${c.lastSyncLocal ?? 'no sync yet'}. If it goes on, reconnect it with \`connect ${c.marketplace}\`.`,
          ask: 'status',
          facts: { connectionId: c.connectionId, failingSince: c.failing?.since.toISOString() },
        };
      });
  },
};

const largeOrder: Detector = {
  kind: 'large_order',
  lasting: false,
  async find(input) {
    const rules = ALERT_RULES.largeOrder;
    const { rows: fresh } = await input.db.query<{
      id: string;
      marketplace: Marketplace;
      order_number: string | null;
      external_order_id: string;
      usd: string;
      amount: string;
      currency: string;
    }>(
      `select id::text, marketplace, order_number, external_order_id, net_sales_usd::text as usd,
              net_sales::text as amount, currency
         from unified_order
        where user_id = $1 and synced_at >= $2 and ordered_at >= $3 and ordered_at <= $4 and status <> 'CANCELLED'
          and net_sales_usd is not null`,
      [input.scope.userId, input.since, new Date(input.now.getTime() - rules.recentDays * 86_400_000), input.now],
    );
    if (fresh.length === 0) return [];
    const { rows: history } = await input.db.query<{ n: number; median: number | null; top: number | null }>(
      `select count(*)::int as n,
              percentile_cont(0.5) within group (order by net_sales_usd)::float8 as median,
              percentile_cont($4::float8) within group (order by net_sales_usd)::float8 as top
         from unified_order
        where user_id = $1 and ordered_at >= $2 and ordered_at < $3 and status <> 'CANCELLED' and net_sales_usd is not null`,
      [
        input.scope.userId,
        new Date(input.now.getTime() - rules.historyDays * 86_400_000),
        new Date(input.now.getTime() - rules.recentDays * 86_400_000),
        rules.percentile,
      ],
    );
    const h = history[0];
    const usualUsd = h?.median;
    if (!h || h.n < rules.minOrders || !usualUsd || h.top === null) return [];
    const bar = Math.max(rules.medianFactor * usualUsd, h.top);
    return fresh
      .filter((o) => Number(o.usd) > bar)
      .map((o) => {
        const name = marketplaceName(o.marketplace);
        const times = Math.round(Number(o.usd) / usualUsd);
        return {
          kind: 'large_order' as const,
          dedupeKey: `large_order:${o.id}`,
          marketplace: o.marketplace,
          text: `A large order on ${name}: ${o.order_number ?? o.external_order_id}, ${formatMoney(o.amount, o.currency)}, about ${times}× your usual order (the median of the last ${rules.historyDays} days).`,
          ask: `What is in ${name} order ${o.order_number ?? o.external_order_id}?`,
          facts: { orderId: o.id, usd: Number(o.usd), medianUsd: usualUsd, barUsd: bar },
        };
      });
  },
};

export const DETECTORS: Detector[] = [salesDrop, returnSpike, cancelSpike, stockLow, connection, largeOrder];

/** One detector by its kind (the `insights` benchmark replays them day by day). */
export function detectorOf(kind: AlertKind): Detector {
  return DETECTORS.find((d) => d.kind === kind) as Detector;
}

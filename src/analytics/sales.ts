/**
 * Sales figures of one seller over a period, whole or broken down by one dimension.
 *
 * What the figures mean (the same everywhere ShopIQ answers):
 * - `orders`: orders placed in the period (by order date in the seller's timezone),
 *   cancelled ones included; `cancellationRate` = cancelled ÷ orders.
 * - `revenue`: net sales of the orders not cancelled: the items' sales after their
 *   discounts, before shipping and tax (returns included), the same on every
 *   marketplace, in the seller's reporting currency; `totalCollected` what the buyers
 *   paid for them (net sales + shipping + tax); `refunds` what was refunded on them;
 *   `netRevenue` = revenue − refunds; `averageOrderValue` = revenue ÷ orders not cancelled.
 * - `ordersWithoutNetSales` (only when there are any): orders not cancelled stored before
 *   ShopIQ kept net sales, waiting for their connection's re-read (net-sales-backfill.ts):
 *   counted in `orders`, left out of every amount, never mixed in under another meaning.
 * - `returnRate`: orders not cancelled with a completed return (status RETURNED, or
 *   units returned) ÷ orders not cancelled; a return only requested does not count yet.
 * - `units`: quantities of the lines not cancelled; `returnedUnits` those returned.
 *
 * Amounts in another currency are converted at the reference rate of the order date
 * (UTC, the rate the sync stored the USD amount at): the order's own amount when it is
 * in the reporting currency, else its USD amount, times USD → reporting currency that
 * day. Amounts with no rate are not guessed: they are reported apart, per currency.
 * A row whose orders were all in one other currency, all converted, also gives that
 * currency's sum (`original`): a Flipkart seller reporting in USD reads ₹8,50,000 ($10,130).
 *
 * Read from the seller's daily rollup (sales-rollup.ts): a month is a few hundred rows,
 * whatever the seller's volume. Callers read through `readSellerData` (seller-reads.ts),
 * which brings the rollup up to date first.
 */

import { addDecimal, compareDecimal, divideRounded, roundDecimal, subtractDecimal } from '../currency/decimal.ts';
import type { Marketplace } from '../db/enums.ts';
import type { SellerDb } from '../db/seller-reader.ts';
import {
  addRollupDaysInPeriod,
  inReportingCurrency,
  notConverted,
  type RollupDaysInPeriod,
  reportingRateJoin,
  rollupDaysInPeriod,
} from './money-sql.ts';
import { type NotConverted, NotConvertedTally } from './not-converted.ts';
import type { Period } from './period.ts';
import { minorDigits, type SellerScope } from './seller-scope.ts';
import { type Placeholder, SqlParams } from './sql-params.ts';

/** What a breakdown can be by; each maps to one fixed SQL expression over `sales_rollup s`. */
export const SALES_DIMENSIONS = {
  marketplace: 's.marketplace',
  status: 's.status',
  day: `to_char(s.day, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', s.day), 'YYYY-MM-DD')`,
  month: `to_char(s.day, 'YYYY-MM')`,
} as const;
export type SalesDimension = keyof typeof SALES_DIMENSIONS;

export interface SalesFilters {
  marketplaces?: Marketplace[];
}

export interface SalesFigures {
  orders: number;
  cancelledOrders: number;
  returnedOrders: number;
  units: number;
  returnedUnits: number;
  revenue: string;
  totalCollected: string;
  refunds: string;
  netRevenue: string;
  averageOrderValue: string | null;
  returnRate: number | null;
  cancellationRate: number | null;
  ordersWithoutNetSales?: number;
  /** Revenue in the one currency all these orders were in, when that is not the reporting currency. */
  original?: { currency: string; revenue: string; totalCollected: string };
}

export interface SalesReport {
  currency: string;
  period: Period;
  by: SalesDimension | undefined;
  rows: ({ key: string } & SalesFigures)[];
  total: SalesFigures;
  /** Amounts left out of `revenue` for want of an exchange rate, in their own currency. */
  unconverted: NotConverted[];
}

interface Counts {
  orders: number;
  cancelled: number;
  returned: number;
  units: number;
  returnedUnits: number;
  revenue: string;
  collected: string;
  refunds: string;
  /** Revenue and total collected per order currency, before conversion. */
  native: Map<string, string>;
  nativeCollected: Map<string, string>;
  unconverted: number;
  withoutNetSales: number;
}

export async function salesReport(
  db: SellerDb,
  scope: SellerScope,
  period: Period,
  options: { by?: SalesDimension; filters?: SalesFilters } = {},
): Promise<SalesReport> {
  const q = new SqlParams();
  const sql = partsSql(options.by ? SALES_DIMENSIONS[options.by] : `'all'`, {
    ...addRollupDaysInPeriod(q, scope.userId, period, options.filters?.marketplaces),
    currency: q.add(scope.currency),
  });
  const { rows } = await db.query<PartRow>(sql, q.values);

  const byKey = new Map<string, Counts>();
  const unconverted = new NotConvertedTally();
  const counts = (k: string) => {
    let c = byKey.get(k);
    if (!c) {
      c = emptyCounts();
      byKey.set(k, c);
    }
    return c;
  };
  for (const r of rows) {
    const c = counts(r.k);
    c.orders += r.orders;
    c.cancelled += r.cancelled;
    c.returned += r.returned_orders;
    c.units += Number(r.units);
    c.returnedUnits += Number(r.returned_units);
    c.revenue = addDecimal(c.revenue, r.revenue);
    c.collected = addDecimal(c.collected, r.collected);
    c.refunds = addDecimal(c.refunds, r.refunds);
    c.native.set(r.currency, addDecimal(c.native.get(r.currency) ?? '0', r.native_revenue));
    c.nativeCollected.set(r.currency, addDecimal(c.nativeCollected.get(r.currency) ?? '0', r.native_collected));
    c.unconverted += r.unconverted_orders;
    c.withoutNetSales += r.without_net_sales;
    if (r.unconverted_orders > 0) unconverted.add(r.currency, r.unconverted_orders, r.unconverted_amount);
  }

  const keys = [...byKey.keys()].sort();
  const total = keys.reduce((sum, k) => addCounts(sum, byKey.get(k) as Counts), emptyCounts());
  return {
    currency: scope.currency,
    period,
    by: options.by,
    rows: options.by ? keys.map((k) => ({ key: k, ...figures(byKey.get(k) as Counts, scope.currency) })) : [],
    total: figures(total, scope.currency),
    unconverted: unconverted.list(),
  };
}

interface PartRow {
  k: string;
  currency: string;
  orders: number;
  cancelled: number;
  returned_orders: number;
  units: string;
  returned_units: string;
  revenue: string;
  collected: string;
  refunds: string;
  native_revenue: string;
  native_collected: string;
  unconverted_orders: number;
  unconverted_amount: string;
  without_net_sales: number;
}

/**
 * From the seller's daily rollup (local days `start` to `end`, exclusive; marketplaces,
 * null: all): sums per key, order currency and UTC day first (a few hundred rows for a
 * year), then the day's rate USD → reporting currency for those not in it.
 */
function partsSql(key: string, $: RollupDaysInPeriod & { currency: Placeholder }): string {
  const kept = `filter (where s.status <> 'CANCELLED')`;
  return `
    with parts as (
      select ${key} as k, s.currency, s.fx_day,
             sum(s.orders)::int as orders,
             coalesce(sum(s.orders) filter (where s.status = 'CANCELLED'), 0)::int as cancelled,
             coalesce(sum(s.returned_orders) ${kept}, 0)::int as returned_orders,
             coalesce(sum(s.units) ${kept}, 0) as units,
             coalesce(sum(s.returned_units), 0) as returned_units,
             coalesce(sum(s.sales) ${kept}, 0) as sales,
             coalesce(sum(s.sales_usd) ${kept}, 0) as sales_usd,
             coalesce(sum(s.orders_without_usd) ${kept}, 0)::int as sales_missing,
             coalesce(sum(s.sales_without_usd) ${kept}, 0) as sales_missing_amount,
             coalesce(sum(s.collected) ${kept}, 0) as collected,
             coalesce(sum(s.collected_usd) ${kept}, 0) as collected_usd,
             coalesce(sum(s.orders_without_net_sales) ${kept}, 0)::int as without_net_sales,
             coalesce(sum(s.refunds), 0) as refunds,
             coalesce(sum(s.refunds_usd), 0) as refunds_usd
        from sales_rollup s
       where ${rollupDaysInPeriod('s', $)}
       group by 1, 2, 3
    )
    select p.k, p.currency,
           sum(p.orders)::int as orders, sum(p.cancelled)::int as cancelled,
           sum(p.returned_orders)::int as returned_orders,
           sum(p.units)::text as units, sum(p.returned_units)::text as returned_units,
           coalesce(sum(${inReportingCurrency('p.sales', 'p.sales_usd', $.currency)}), 0)::text as revenue,
           coalesce(sum(${inReportingCurrency('p.collected', 'p.collected_usd', $.currency)}), 0)::text as collected,
           coalesce(sum(${inReportingCurrency('p.refunds', 'p.refunds_usd', $.currency)}), 0)::text as refunds,
           sum(p.sales)::text as native_revenue,
           sum(p.collected)::text as native_collected,
           sum(p.without_net_sales)::int as without_net_sales,
           sum(${notConverted('p.orders - p.cancelled - p.without_net_sales', 'p.sales_missing', $.currency)})::int as unconverted_orders,
           sum(${notConverted('p.sales', 'p.sales_missing_amount', $.currency)})::text as unconverted_amount
      from parts p
      ${reportingRateJoin($.currency)}
     group by p.k, p.currency`;
}

function emptyCounts(): Counts {
  return {
    orders: 0,
    cancelled: 0,
    returned: 0,
    units: 0,
    returnedUnits: 0,
    revenue: '0',
    collected: '0',
    refunds: '0',
    native: new Map(),
    nativeCollected: new Map(),
    unconverted: 0,
    withoutNetSales: 0,
  };
}

function addCounts(a: Counts, b: Counts): Counts {
  return {
    orders: a.orders + b.orders,
    cancelled: a.cancelled + b.cancelled,
    returned: a.returned + b.returned,
    units: a.units + b.units,
    returnedUnits: a.returnedUnits + b.returnedUnits,
    revenue: addDecimal(a.revenue, b.revenue),
    collected: addDecimal(a.collected, b.collected),
    refunds: addDecimal(a.refunds, b.refunds),
    native: addMaps(a.native, b.native),
    nativeCollected: addMaps(a.nativeCollected, b.nativeCollected),
    unconverted: a.unconverted + b.unconverted,
    withoutNetSales: a.withoutNetSales + b.withoutNetSales,
  };
}

function addMaps(a: Map<string, string>, b: Map<string, string>): Map<string, string> {
  return new Map(
    [...new Set([...a.keys(), ...b.keys()])].map((k) => [k, addDecimal(a.get(k) ?? '0', b.get(k) ?? '0')]),
  );
}

function figures(c: Counts, currency: string): SalesFigures {
  const digits = minorDigits(currency);
  const kept = c.orders - c.cancelled;
  // orders whose amounts are known: the average is over them only
  const priced = kept - c.withoutNetSales;
  const sold = [...c.native].filter(([, amount]) => compareDecimal(amount, '0') !== 0);
  const [only] = sold;
  const revenue = roundDecimal(c.revenue, digits);
  const refunds = roundDecimal(c.refunds, digits);
  return {
    orders: c.orders,
    cancelledOrders: c.cancelled,
    returnedOrders: c.returned,
    units: c.units,
    returnedUnits: c.returnedUnits,
    revenue,
    totalCollected: roundDecimal(c.collected, digits),
    refunds,
    netRevenue: roundDecimal(subtractDecimal(c.revenue, c.refunds), digits),
    averageOrderValue: priced > 0 ? divideRounded(c.revenue, String(priced), digits) : null,
    returnRate: kept > 0 ? ratio(c.returned, kept) : null,
    cancellationRate: c.orders > 0 ? ratio(c.cancelled, c.orders) : null,
    ...(c.withoutNetSales > 0 ? { ordersWithoutNetSales: c.withoutNetSales } : {}),
    ...(only && sold.length === 1 && only[0] !== currency && c.unconverted === 0
      ? {
          original: {
            currency: only[0],
            revenue: roundDecimal(only[1], minorDigits(only[0])),
            totalCollected: roundDecimal(c.nativeCollected.get(only[0]) ?? '0', minorDigits(only[0])),
          },
        }
      : {}),
  };
}

/** `part ÷ whole` to four places: rates as fractions. */
export const ratio = (part: number, whole: number) => Math.round((part / whole) * 10_000) / 10_000;

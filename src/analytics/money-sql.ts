/**
 * The one rule for turning stored amounts into the seller's reporting currency, as SQL
 * pieces for queries that first sum per order currency and order day (`p.currency`,
 * `p.fx_day`), then convert each sum once: an amount already in the reporting currency
 * stays as it is; else its USD amount (converted by the sync at the order date's rate)
 * times that day's USD → reporting-currency rate, or the last one within a week before
 * (weekends, holidays). No rate: null, for the caller to report apart.
 *
 * Every piece takes the placeholders of the values it reads (sql-params.ts), never a
 * fixed position.
 */
import type { Marketplace } from '../db/enums.ts';
import type { Period } from './period.ts';
import type { Placeholder, SqlParams } from './sql-params.ts';

/** `native`/`usd`: the part's sums; `currency`: the placeholder of the reporting currency. */
export function inReportingCurrency(native: string, usd: string, currency: Placeholder): string {
  return `(case when p.currency = ${currency} then ${native}
                when ${currency} = 'USD' then ${usd}
                else ${usd} * r.rate end)`;
}

/** True where a part cannot be converted at all (no rate that week). */
export function missingRate(currency: Placeholder): string {
  return `(p.currency <> ${currency} and ${currency} <> 'USD' and r.rate is null)`;
}

/**
 * What of a part cannot be converted: nothing when it is in the reporting currency; all
 * of it (`whole`) when the day has no rate; else what has no USD amount (`withoutUsd`).
 */
export function notConverted(whole: string, withoutUsd: string, currency: Placeholder): string {
  return `(case when p.currency = ${currency} then 0
                when ${missingRate(currency)} then ${whole}
                else ${withoutUsd} end)`;
}

/** Joins `r.rate`, USD → reporting currency on the part's day, to the parts `p`. */
export function reportingRateJoin(currency: Placeholder): string {
  return `left join lateral (
      select f.rate from fx_rate f
       where ${currency} <> 'USD' and f.base = 'USD' and f.quote = ${currency}
         and f.rate_date <= p.fx_day and f.rate_date > p.fx_day - 7
       order by f.rate_date desc limit 1
    ) r on true`;
}

/** The UTC day an order's USD amount was converted on: the day its rate is read for. */
export const FX_DAY = `(o.ordered_at at time zone 'UTC')::date`;

/** The placeholders `ordersInPeriod` reads. */
export interface OrdersInPeriod {
  user: Placeholder;
  /** First local day, and the day after the last (dates). */
  start: Placeholder;
  end: Placeholder;
  /** The IANA zone the days are counted in. */
  zone: Placeholder;
  /** Marketplaces to keep to (text[]; null: all). */
  marketplaces: Placeholder;
}

/** Adds the values `ordersInPeriod` reads: the seller, the period, the marketplaces (none: all). */
export function addOrdersInPeriod(
  q: SqlParams,
  userId: string,
  period: Period,
  marketplaces: Marketplace[] | undefined,
): OrdersInPeriod {
  return {
    user: q.add(userId),
    start: q.add(period.start),
    end: q.add(period.end),
    zone: q.add(period.timezone),
    marketplaces: q.add(marketplaces?.length ? marketplaces : null),
  };
}

/** Orders `o` of the seller placed in the period, on the marketplaces given. */
export function ordersInPeriod(p: OrdersInPeriod): string {
  return `o.user_id = ${p.user}
  and o.ordered_at >= (${p.start}::date::timestamp at time zone ${p.zone})
  and o.ordered_at < (${p.end}::date::timestamp at time zone ${p.zone})
  and (${p.marketplaces}::text[] is null or o.marketplace = any(${p.marketplaces}))`;
}

/** The placeholders `rollupDaysInPeriod` reads. */
export interface RollupDaysInPeriod {
  user: Placeholder;
  /** First local day, and the day after the last (dates). */
  start: Placeholder;
  end: Placeholder;
  /** Marketplaces to keep to (text[]; null: all). */
  marketplaces: Placeholder;
}

/** Adds the values `rollupDaysInPeriod` reads: the seller, the period, the marketplaces (none: all). */
export function addRollupDaysInPeriod(
  q: SqlParams,
  userId: string,
  period: Period,
  marketplaces: Marketplace[] | undefined,
): RollupDaysInPeriod {
  return {
    user: q.add(userId),
    start: q.add(period.start),
    end: q.add(period.end),
    marketplaces: q.add(marketplaces?.length ? marketplaces : null),
  };
}

/** Rows of a daily rollup (`alias`, its days local to the seller) of the seller in the period, on the marketplaces given. */
export function rollupDaysInPeriod(alias: string, p: RollupDaysInPeriod): string {
  return `${alias}.user_id = ${p.user} and ${alias}.day >= ${p.start}::date and ${alias}.day < ${p.end}::date
    and (${p.marketplaces}::text[] is null or ${alias}.marketplace = any(${p.marketplaces}))`;
}

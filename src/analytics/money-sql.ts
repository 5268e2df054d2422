/**
 * The one rule for turning stored amounts into the seller's reporting currency, as SQL
 * pieces for queries that first sum per order currency and order day (`p.currency`,
 * `p.fx_day`), then convert each sum once: an amount already in the reporting currency
 * stays as it is; else its USD amount (converted by the sync at the order date's rate)
 * times that day's USD → reporting-currency rate, or the last one within a week before
 * (weekends, holidays). No rate: null, for the caller to report apart.
 */

/** `native`/`usd`: the part's sums; `currency`: the SQL parameter holding the reporting currency. */
export function inReportingCurrency(native: string, usd: string, currency: string): string {
  return `(case when p.currency = ${currency} then ${native}
                when ${currency} = 'USD' then ${usd}
                else ${usd} * r.rate end)`;
}

/** True where a part cannot be converted at all (no rate that week). */
export function missingRate(currency: string): string {
  return `(p.currency <> ${currency} and ${currency} <> 'USD' and r.rate is null)`;
}

/** Joins `r.rate`, USD → reporting currency on the part's day, to the parts `p`. */
export function reportingRateJoin(currency: string): string {
  return `left join lateral (
      select f.rate from fx_rate f
       where ${currency} <> 'USD' and f.base = 'USD' and f.quote = ${currency}
         and f.rate_date <= p.fx_day and f.rate_date > p.fx_day - 7
       order by f.rate_date desc limit 1
    ) r on true`;
}

/** The UTC day an order's USD amount was converted on: the day its rate is read for. */
export const FX_DAY = `(o.ordered_at at time zone 'UTC')::date`;

/** Orders of the seller ($1) placed in the period ($2, $3: local days; $4: zone), on the marketplaces in $5 (null: all). */
export const ORDERS_IN_PERIOD = `o.user_id = $1
  and o.ordered_at >= ($2::date::timestamp at time zone $4)
  and o.ordered_at < ($3::date::timestamp at time zone $4)
  and ($5::text[] is null or o.marketplace = any($5))`;

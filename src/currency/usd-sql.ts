/**
 * The SQL that turns an order's amount into USD, shared by the page writer and the
 * repair of amounts stored before their rate was known. `row` is the alias of a
 * relation with currency, total_amount, ordered_at and fx_flag columns.
 *
 * The rate in force on the order date (UTC) is that day's reference rate or the last
 * business day's before it (fx_rate holds 1 USD = rate units). Division is exact
 * numeric, rounded to the column's 4 places. No rate: null, flagged RATE_MISSING; a
 * currency the provider does not know arrives flagged UNKNOWN_CURRENCY and is never
 * converted.
 */
export const usdRateJoin = (row: string) => `left join lateral (
    select r.rate from fx_rate r
     where r.base = 'USD' and r.quote = ${row}.currency and ${row}.currency <> 'USD'
       and r.rate_date <= (${row}.ordered_at at time zone 'UTC')::date
       and r.rate_date > (${row}.ordered_at at time zone 'UTC')::date - 7
     order by r.rate_date desc limit 1) fx on true`;

export const usdAmount = (row: string, flag: string) => `case
    when ${flag} is not distinct from 'UNKNOWN_CURRENCY' then null
    when ${row}.currency = 'USD' then ${row}.total_amount
    else round(${row}.total_amount / fx.rate, 4) end`;

export const usdFlag = (row: string, flag: string) => `case
    when ${flag} is not distinct from 'UNKNOWN_CURRENCY' then 'UNKNOWN_CURRENCY'
    when ${row}.currency <> 'USD' and fx.rate is null then 'RATE_MISSING' end`;

/**
 * Daily USD reference rates in `fx_rate` (1 USD = rate × quote). History is fetched
 * once and kept: `ensureUsdRates` fetches only currencies whose stored span does not
 * cover the dates asked for (a few days before the first, so a weekend at the start
 * finds the Friday before it: usd-rates-for-sync.ts reads them).
 */
import type pg from 'pg';
import type { FxClient } from './fx-client.ts';

/** Longest run of days without a reference rate (Christmas to the first business day). */
const MAX_GAP_DAYS = 5;

export interface EnsureResult {
  /** Currencies whose history was fetched now. */
  fetched: string[];
  /** Currencies the provider does not know: amounts in them must be flagged, not converted. */
  unknown: string[];
}

export async function ensureUsdRates(
  pool: Pick<pg.Pool, 'query'>,
  client: FxClient,
  range: { from: string; to: string; currencies: Iterable<string> },
): Promise<EnsureResult> {
  const wanted = [...new Set(range.currencies)].filter((c) => c !== 'USD').sort();
  if (wanted.length === 0) return { fetched: [], unknown: [] };
  const known = await client.currencies();
  const unknown = wanted.filter((c) => !known.has(c));
  const { rows } = await pool.query<{ quote: string; first: string; last: string }>(
    `select quote, min(rate_date)::text as first, max(rate_date)::text as last
       from fx_rate where base = 'USD' and quote = any($1) group by quote`,
    [wanted],
  );
  const span = new Map(rows.map((r) => [r.quote, r]));
  const missing = wanted.filter((c) => {
    if (unknown.includes(c)) return false;
    const s = span.get(c);
    return !s || s.first > shiftDays(range.from, MAX_GAP_DAYS) || s.last < shiftDays(range.to, -MAX_GAP_DAYS);
  });
  if (missing.length === 0) return { fetched: [], unknown };
  // a few days before `from`, so a weekend at the start still finds its Friday
  await storeUsdRates(pool, await client.usdRange(shiftDays(range.from, -MAX_GAP_DAYS), range.to, missing));
  return { fetched: missing, unknown };
}

/**
 * The daily refresh: for each currency, the reference rates published since the last
 * one stored (the last week for a currency with none), up to `today`. Returns the rates added.
 */
export async function refreshUsdRates(
  pool: Pick<pg.Pool, 'query'>,
  client: FxClient,
  currencies: Iterable<string>,
  today: string,
): Promise<number> {
  const known = await client.currencies();
  const wanted = [...new Set(currencies)].filter((c) => c !== 'USD' && known.has(c)).sort();
  if (wanted.length === 0) return 0;
  const { rows } = await pool.query<{ last: string | null }>(
    `select min(last)::text as last from (
       select (select max(rate_date) from fx_rate where base = 'USD' and quote = q) as last from unnest($1::text[]) q
     ) s`,
    [wanted],
  );
  const weekAgo = shiftDays(today, -7);
  const last = rows[0]?.last;
  const from = last && last >= weekAgo ? shiftDays(last, 1) : weekAgo;
  if (from > today) return 0;
  return storeUsdRates(pool, await client.usdRange(from, today, wanted));
}

/** Stores rates as published (the JSON number's shortest decimal form: exact); keeps rates already stored. */
async function storeUsdRates(
  pool: Pick<pg.Pool, 'query'>,
  rates: Map<string, Record<string, number>>,
): Promise<number> {
  const dates: string[] = [];
  const quotes: string[] = [];
  const values: string[] = [];
  for (const [date, byCode] of rates) {
    for (const [code, rate] of Object.entries(byCode)) {
      dates.push(date);
      quotes.push(code);
      values.push(String(rate));
    }
  }
  const { rowCount } = await pool.query(
    `insert into fx_rate (rate_date, base, quote, rate, source, fetched_at)
     select d, 'USD', q, r, 'provider', now() from unnest($1::date[], $2::text[], $3::numeric[]) as u(d, q, r)
      order by d, q -- one order for every writer: concurrent syncs cannot deadlock on the same rates
     on conflict (rate_date, base, quote) do nothing`,
    [dates, quotes, values],
  );
  return rowCount ?? 0;
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

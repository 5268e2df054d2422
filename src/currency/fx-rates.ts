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
  const rates = await client.usdRange(shiftDays(range.from, -MAX_GAP_DAYS), range.to, missing);
  const dates: string[] = [];
  const quotes: string[] = [];
  const values: string[] = [];
  for (const [date, byCode] of rates) {
    for (const [code, rate] of Object.entries(byCode)) {
      dates.push(date);
      quotes.push(code);
      values.push(String(rate)); // the JSON number's shortest decimal form: exact as published
    }
  }
  await pool.query(
    `insert into fx_rate (rate_date, base, quote, rate, source, fetched_at)
     select d, 'USD', q, r, 'provider', now() from unnest($1::date[], $2::text[], $3::numeric[]) as u(d, q, r)
      order by d, q -- one order for every writer: concurrent syncs cannot deadlock on the same rates
     on conflict (rate_date, base, quote) do nothing`,
    [dates, quotes, values],
  );
  return { fetched: missing, unknown };
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * USD amounts for a sync run. Before a page is written, `convert` makes sure the
 * reference rates of its currencies over its order dates are in fx_rate (fetched once,
 * only what is missing), keeps them in memory, and sets each order's USD amount at
 * the rate in force on its order date (UTC): that day's or the last business day's
 * before it, within a week. Division is exact (decimal-division.ts).
 *
 * A currency the provider does not know is flagged UNKNOWN_CURRENCY and never
 * converted. When the provider cannot be reached the run goes on: amounts stay
 * unconverted, flagged RATE_MISSING, and `repair` converts them once rates are there.
 */
import type pg from 'pg';
import type { FxFlag } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import { divideRounded } from './decimal.ts';
import type { FxClient } from './fx-client.ts';
import { ensureUsdRates } from './fx-rates.ts';

/** What conversion needs of an order, and what it sets: the total collected and the net sales, at one rate. */
export interface Convertible {
  currency: string;
  totalAmount: string;
  netSales: string | null;
  orderedAt: Date;
  totalAmountUSD: string | null;
  netSalesUSD: string | null;
  fxFlag: FxFlag | null;
}

const DAY = 86_400_000;
const LOOKBACK_DAYS = 7;
const day = (d: Date | number) => new Date(d).toISOString().slice(0, 10);

export class UsdRatesForSync {
  readonly #pool: Pick<pg.Pool, 'query'>;
  readonly #client: FxClient;
  readonly #log: Logger;
  /** currency → date → rate (1 USD = rate units), for the days loaded. */
  readonly #rates = new Map<string, Map<string, string>>();
  readonly #loaded = new Map<string, { from: string; to: string }>();
  readonly #unknown = new Set<string>();
  #unavailable = false;

  constructor(pool: Pick<pg.Pool, 'query'>, client: FxClient, log: Logger) {
    this.#pool = pool;
    this.#client = client;
    this.#log = log;
  }

  async convert(orders: Convertible[]): Promise<void> {
    await this.#load(orders);
    for (const o of orders) {
      const rate =
        o.currency === 'USD' ? '1' : this.#unknown.has(o.currency) ? undefined : this.#rateOn(o.currency, o.orderedAt);
      const usd = (amount: string | null) =>
        amount === null || rate === undefined ? null : rate === '1' ? amount : divideRounded(amount, rate);
      o.totalAmountUSD = usd(o.totalAmount);
      o.netSalesUSD = usd(o.netSales);
      o.fxFlag = rate !== undefined ? null : this.#unknown.has(o.currency) ? 'UNKNOWN_CURRENCY' : 'RATE_MISSING';
    }
  }

  /** Converts a connection's stored orders still waiting for their rate; returns how many. */
  async repair(connectionId: string): Promise<number> {
    const { rows } = await this.#pool.query<{
      id: string;
      currency: string;
      total: string;
      net: string | null;
      ordered_at: Date;
    }>(
      `select id, currency, total_amount::text as total, net_sales::text as net, ordered_at from unified_order
        where connection_id = $1 and fx_flag = 'RATE_MISSING'`,
      [connectionId],
    );
    if (rows.length === 0) return 0;
    const orders = rows.map((r) => ({
      id: r.id,
      currency: r.currency,
      totalAmount: r.total,
      netSales: r.net,
      orderedAt: r.ordered_at,
      totalAmountUSD: null as string | null,
      netSalesUSD: null as string | null,
      fxFlag: null as FxFlag | null,
    }));
    await this.convert(orders);
    const done = orders.filter((o) => o.fxFlag !== 'RATE_MISSING');
    await this.#pool.query(
      `update unified_order o set total_amount_usd = u.usd, net_sales_usd = u.net_usd, fx_flag = u.flag, updated_at = now()
         from unnest($1::bigint[], $2::numeric[], $3::numeric[], $4::text[]) as u(id, usd, net_usd, flag)
        where o.id = u.id`,
      [
        done.map((o) => o.id),
        done.map((o) => o.totalAmountUSD),
        done.map((o) => o.netSalesUSD),
        done.map((o) => o.fxFlag),
      ],
    );
    return done.length;
  }

  #rateOn(currency: string, orderedAt: Date): string | undefined {
    const rates = this.#rates.get(currency);
    for (let back = 0; rates && back < LOOKBACK_DAYS; back++) {
      const rate = rates.get(day(orderedAt.getTime() - back * DAY));
      if (rate) return rate;
    }
    return undefined;
  }

  /** Fetches what fx_rate lacks (once per run and currency span), then reads the span into memory. */
  async #load(orders: Convertible[]): Promise<void> {
    const spans = new Map<string, { from: string; to: string }>();
    for (const o of orders) {
      if (o.currency === 'USD' || this.#unknown.has(o.currency)) continue;
      const d = day(o.orderedAt);
      const s = spans.get(o.currency);
      if (!s) spans.set(o.currency, { from: d, to: d });
      else {
        if (d < s.from) s.from = d;
        if (d > s.to) s.to = d;
      }
    }
    const missing = [...spans].filter(([code, s]) => {
      const l = this.#loaded.get(code);
      return !l || s.from < l.from || s.to > l.to;
    });
    if (missing.length === 0) return;
    const from = missing.map(([, s]) => s.from).sort()[0] as string;
    const to = missing
      .map(([, s]) => s.to)
      .sort()
      .at(-1) as string;
    const currencies = missing.map(([code]) => code);
    if (!this.#unavailable) {
      try {
        const result = await ensureUsdRates(this.#pool, this.#client, { from, to, currencies });
        for (const code of result.unknown) this.#unknown.add(code);
      } catch (err) {
        this.#unavailable = true;
        this.#log.warn({ err }, 'FX rates unavailable: amounts stay unconverted (RATE_MISSING) until they are');
      }
    }
    const { rows } = await this.#pool.query<{ quote: string; d: string; rate: string }>(
      `select quote, rate_date::text as d, rate::text from fx_rate
        where base = 'USD' and quote = any($1) and rate_date between $2::date - $4::int and $3::date`,
      [currencies, from, to, LOOKBACK_DAYS],
    );
    for (const r of rows) {
      let byDay = this.#rates.get(r.quote);
      if (!byDay) {
        byDay = new Map();
        this.#rates.set(r.quote, byDay);
      }
      byDay.set(r.d, r.rate);
    }
    for (const code of currencies) {
      const l = this.#loaded.get(code);
      this.#loaded.set(code, { from: l && l.from < from ? l.from : from, to: l && l.to > to ? l.to : to });
    }
  }
}

/**
 * What a sync run needs from FX: before a page is written, the reference rates of its
 * currencies over its order dates are in fx_rate (fetched once, only what is missing),
 * and orders in a currency the provider does not know are flagged. When the provider
 * cannot be reached the run goes on: amounts stay unconverted and flagged
 * RATE_MISSING, and `repairUsdAmounts` converts them once the rates are there.
 */
import type pg from 'pg';
import type { Logger } from '../logging/logger.ts';
import type { OrderRow } from '../sync/unified-rows.ts';
import type { FxClient } from './fx-client.ts';
import { ensureUsdRates } from './fx-rates.ts';
import { usdAmount, usdFlag, usdRateJoin } from './usd-sql.ts';

export class UsdRatesForSync {
  readonly #pool: pg.Pool;
  readonly #client: FxClient;
  readonly #log: Logger;
  readonly #covered = new Map<string, { from: string; to: string }>();
  readonly #unknown = new Set<string>();
  #unavailable = false;

  constructor(pool: pg.Pool, client: FxClient, log: Logger) {
    this.#pool = pool;
    this.#client = client;
    this.#log = log;
  }

  /** Makes sure the rates of these orders are stored; flags unknown currencies on the rows. */
  async prepare(orders: OrderRow[]): Promise<void> {
    const spans = new Map<string, { from: string; to: string }>();
    for (const o of orders) {
      if (o.currency === 'USD') continue;
      const day = o.orderedAt.toISOString().slice(0, 10);
      const s = spans.get(o.currency);
      if (!s) spans.set(o.currency, { from: day, to: day });
      else {
        if (day < s.from) s.from = day;
        if (day > s.to) s.to = day;
      }
    }
    const missing = [...spans].filter(([code, s]) => {
      if (this.#unknown.has(code)) return false;
      const c = this.#covered.get(code);
      return !c || s.from < c.from || s.to > c.to;
    });
    if (missing.length > 0 && !this.#unavailable) {
      const from = missing.map(([, s]) => s.from).sort()[0] as string;
      const to = missing
        .map(([, s]) => s.to)
        .sort()
        .at(-1) as string;
      const currencies = missing.map(([code]) => code);
      try {
        const result = await ensureUsdRates(this.#pool, this.#client, { from, to, currencies });
        for (const code of result.unknown) this.#unknown.add(code);
        for (const code of currencies) {
          const c = this.#covered.get(code);
          this.#covered.set(code, { from: c && c.from < from ? c.from : from, to: c && c.to > to ? c.to : to });
        }
      } catch (err) {
        this.#unavailable = true;
        this.#log.warn({ err }, 'FX rates unavailable: amounts stay unconverted (RATE_MISSING) until they are');
      }
    }
    for (const o of orders) if (this.#unknown.has(o.currency)) o.fxFlag = 'UNKNOWN_CURRENCY';
  }
}

/** Converts the stored orders of a connection still waiting for their rate; returns how many. */
export async function repairUsdAmounts(pool: Pick<pg.Pool, 'query'>, connectionId: string): Promise<number> {
  const { rowCount } = await pool.query(
    `update unified_order o
        set total_amount_usd = c.usd, fx_flag = c.flag, updated_at = now()
       from (select x.id, ${usdAmount('x', 'null')} as usd, ${usdFlag('x', 'null')} as flag
               from unified_order x ${usdRateJoin('x')}
              where x.connection_id = $1 and x.fx_flag = 'RATE_MISSING') c
      where o.id = c.id and c.usd is not null`,
    [connectionId],
  );
  return rowCount ?? 0;
}

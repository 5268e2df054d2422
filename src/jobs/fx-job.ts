/**
 * `refresh-fx-rates` (daily, after the ECB publishes): the day's USD reference rates of
 * every currency sellers sell or report in, from each FX source in use (sandbox
 * connections have their sandbox's), then the USD amounts still waiting for a rate.
 * A source that cannot be reached fails the job, which retries with backoff.
 */
import { fxBaseUrlFor } from '../config/config.ts';
import { FxClient } from '../currency/fx-client.ts';
import { refreshUsdRates } from '../currency/fx-rates.ts';
import { UsdRatesForSync } from '../currency/usd-rates-for-sync.ts';
import type { JobContext } from './sync-jobs.ts';

export function refreshFxRatesJob(ctx: JobContext) {
  return async (): Promise<void> => {
    const { pool, config } = ctx.deps;
    const log = ctx.log.child({ job: 'refresh-fx-rates' });
    const { rows } = await pool.query<{ sandbox_url: string | null; currencies: string[]; waiting: string[] }>(
      `select c.sandbox_url,
              array_agg(distinct x.currency) as currencies,
              array_agg(distinct c.id::text) filter (where exists (
                select 1 from unified_order o where o.connection_id = c.id and o.fx_flag = 'RATE_MISSING')) as waiting
         from marketplace_connection c
         join "user" u on u.id = c.user_id
         cross join lateral (
           select distinct o.currency from unified_order o where o.connection_id = c.id
           union select u.reporting_currency
         ) x
        group by c.sandbox_url`,
    );
    const today = new Date().toISOString().slice(0, 10);
    const failures: unknown[] = [];
    for (const source of rows) {
      const client = new FxClient(fxBaseUrlFor(config, source.sandbox_url));
      try {
        const added = await refreshUsdRates(pool, client, source.currencies, today);
        const usd = new UsdRatesForSync(pool, client, log);
        let repaired = 0;
        for (const connectionId of source.waiting ?? []) repaired += await usd.repair(connectionId);
        log.info({ currencies: source.currencies.length, added, repaired }, 'FX rates refreshed');
      } catch (err) {
        failures.push(err);
        log.warn({ err }, 'FX rates could not be refreshed from one source');
      }
    }
    if (failures.length > 0) throw new Error(`${failures.length} FX source(s) could not be reached`);
  };
}

/**
 * analytics: the analytics behind the tools, for one seller with `--orders` orders
 * (default 100,000) among `--total` orders in the database (default 500,000; the
 * others belong to four more sellers), over 18 months. Per question, `--reps` timed
 * runs (default 30) after three warm-up runs: p50 and p95.
 *   summary       sales last month by marketplace (sales_summary)
 *   comparison    last month vs the month before (compare_periods)
 *   return_rate   the last 30 days by marketplace (return_rate)
 *   product_x_marketplace  last month's products side by side (compare_product_marketplaces)
 * Sales figures read the daily rollup: its first build for the asking seller is timed
 * apart (`rollup_build_s`), after seeding and before the questions.
 * Baseline: the same rows copied into DuckDB (in memory), the same questions straight
 * from the order tables (`baseline.*`, load time `duckdb_load_s`); `ratio.<q>_p50` is
 * PostgreSQL's p50 ÷ DuckDB's, and `duckdb_agrees` says DuckDB's summary (orders and
 * revenue per marketplace) equals ShopIQ's.
 * Each question reads as the tools do: in a read-only transaction as the reader role,
 * under row-level security bound to the seller. The same questions are then timed as
 * the service role without it: `<q>_without_rls_p50_ms`, and the difference,
 * `rls_cost_<q>_p50_ms`, is what the database's tenancy check costs.
 * Goal scale: --orders 1000000 --total 5000000.
 */

import { precedingPeriod, resolvePeriod } from '../src/analytics/period.ts';
import { compareAcrossMarketplaces, productSales } from '../src/analytics/products.ts';
import { salesReport } from '../src/analytics/sales.ts';
import { refreshSalesRollup } from '../src/analytics/sales-rollup.ts';
import { readSellerData } from '../src/analytics/seller-reads.ts';
import type { SellerDb } from '../src/db/seller-reader.ts';
import type { Bench } from './run.ts';
import { seedBenchSeller, seedUsdInrRates } from './support/analytics-data.ts';
import { loadIntoDuckDb } from './support/duckdb-analytics.ts';
import { openBenchDatabase, rssSampler } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const total = Number(options.total ?? 500_000);
  const reps = Number(options.reps ?? 30);
  const db = await openBenchDatabase();
  const rss = rssSampler();
  try {
    await seedUsdInrRates(db.pool);
    let t = performance.now();
    process.stderr.write(`seeding ${orders} orders for the asking seller and ${total - orders} for four others\n`);
    const userId = await seedBenchSeller(db.pool, 'asking', orders);
    for (let s = 0; s < 4; s++) await seedBenchSeller(db.pool, `other-${s}`, Math.floor((total - orders) / 4));
    await db.pool.query('analyze');
    const seedS = (performance.now() - t) / 1000;
    const scope = { userId, timezone: 'Asia/Kolkata', currency: 'INR' };
    const now = new Date();
    const period = (spec: Parameters<typeof resolvePeriod>[0]) => resolvePeriod(spec, now, scope.timezone);
    const lastMonth = period({ kind: 'named', name: 'last_month' });
    const last30 = period({ kind: 'last_days', days: 30 });
    t = performance.now();
    await refreshSalesRollup(db.pool, scope);
    const rollupS = (performance.now() - t) / 1000;
    process.stderr.write(`rollup built in ${rollupS.toFixed(1)} s\n`);

    // the tools' way: each read in its own read-only transaction as the reader bound to the
    // seller (row-level security); and, to show what that costs, the same reads as the
    // service role on the pool, unbound (never done by ShopIQ itself)
    type Read = <T>(work: (reader: SellerDb) => Promise<T>) => Promise<T>;
    const asReader: Read = (work) => readSellerData(db.pool, scope, work);
    const unbound: Read = async (work) => {
      await refreshSalesRollup(db.pool, scope);
      return work(db.pool as unknown as SellerDb);
    };
    const questionsVia = (read: Read): Record<string, () => Promise<unknown>> => ({
      summary: () => read((r) => salesReport(r, scope, lastMonth, { by: 'marketplace' })),
      comparison: () =>
        Promise.all([
          read((r) => salesReport(r, scope, lastMonth, { by: 'marketplace' })),
          read((r) => salesReport(r, scope, precedingPeriod(lastMonth), { by: 'marketplace' })),
        ]),
      return_rate: () => read((r) => salesReport(r, scope, last30, { by: 'marketplace' })),
      product_x_marketplace: async () =>
        compareAcrossMarketplaces((await read((r) => productSales(r, scope, lastMonth))).rows),
    });
    const questions = questionsVia(asReader);
    const metrics = await timeQuestions(questions, reps);
    process.stderr.write('the same questions without the reader role and row-level security\n');
    const withoutRls = await timeQuestions(questionsVia(unbound), reps);
    const rlsCost: Record<string, number> = {};
    for (const q of Object.keys(questions)) {
      rlsCost[`${q}_without_rls_p50_ms`] = withoutRls[`${q}_p50_ms`] ?? 0;
      rlsCost[`rls_cost_${q}_p50_ms`] = Number(
        ((metrics[`${q}_p50_ms`] ?? 0) - (withoutRls[`${q}_p50_ms`] ?? 0)).toFixed(1),
      );
    }

    process.stderr.write('copying the same rows into DuckDB\n');
    t = performance.now();
    const duck = await loadIntoDuckDb(db.pool, db.home);
    const duckLoadS = (performance.now() - t) / 1000;
    try {
      const baseline = await timeQuestions(
        {
          summary: () => duck.summary(scope, lastMonth),
          comparison: () =>
            Promise.all([duck.summary(scope, lastMonth), duck.summary(scope, precedingPeriod(lastMonth))]),
          return_rate: () => duck.summary(scope, last30),
          product_x_marketplace: () => duck.productsByMarketplace(scope, lastMonth),
        },
        reps,
      );
      const ours = await readSellerData(db.pool, scope, (db) =>
        salesReport(db, scope, lastMonth, { by: 'marketplace' }),
      );
      const theirs = await duck.summary(scope, lastMonth);
      const agrees =
        JSON.stringify(ours.rows.map((r) => [r.key, r.orders, r.revenue])) ===
        JSON.stringify(theirs.map((r) => [r.k, Number(r.orders), r.revenue]));
      if (!agrees) process.stderr.write(`DuckDB disagrees: ${JSON.stringify({ ours: ours.rows, theirs })}\n`);
      const ratio = Object.fromEntries(
        Object.keys(questions).map((q) => [
          `${q}_p50`,
          Number(((metrics[`${q}_p50_ms`] ?? 0) / (baseline[`${q}_p50_ms`] || 1)).toFixed(2)),
        ]),
      );
      return {
        params: {
          orders,
          total,
          reps,
          seed_s: Number(seedS.toFixed(1)),
          rollup_build_s: Number(rollupS.toFixed(2)),
          duckdb_load_s: Number(duckLoadS.toFixed(1)),
          duckdb_agrees: agrees,
        },
        metrics: { ...metrics, ...rlsCost, peak_rss_mb: rss.peakMb() },
        baseline,
        ratio,
      };
    } finally {
      duck.close();
    }
  } finally {
    rss.stop();
    await db.stop();
  }
};

export default bench;

/** Per question, three warm-up runs then `reps` timed: `<q>_p50_ms`, `<q>_p95_ms`. */
async function timeQuestions(
  questions: Record<string, () => Promise<unknown>>,
  reps: number,
): Promise<Record<string, number>> {
  const metrics: Record<string, number> = {};
  for (const [name, ask] of Object.entries(questions)) {
    for (let i = 0; i < 3; i++) await ask();
    const took: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      await ask();
      took.push(performance.now() - t);
    }
    took.sort((a, b) => a - b);
    metrics[`${name}_p50_ms`] = Number((took[Math.ceil(reps / 2) - 1] ?? 0).toFixed(1));
    metrics[`${name}_p95_ms`] = Number((took[Math.ceil(reps * 0.95) - 1] ?? 0).toFixed(1));
    process.stderr.write(`${name}: p50 ${metrics[`${name}_p50_ms`]} ms, p95 ${metrics[`${name}_p95_ms`]} ms\n`);
  }
  return metrics;
}

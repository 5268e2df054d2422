/**
 * analytics: the analytics behind the tools, for one seller with `--orders` orders
 * (default 100,000) among `--total` orders in the database (default 500,000; the
 * others belong to four more sellers), over 18 months. Per question, `--reps` timed
 * runs (default 30) after three warm-up runs: p50 and p95.
 *   summary       sales last month by marketplace (sales_summary)
 *   comparison    last month vs the month before (compare_periods)
 *   return_rate   the last 30 days by marketplace (return_rate)
 *   product_x_marketplace  last month's products side by side (compare_product_marketplaces)
 * Goal scale: --orders 1000000 --total 5000000. (DuckDB on the same rows is not run yet.)
 */
import { precedingPeriod, resolvePeriod } from '../src/analytics/period.ts';
import { compareAcrossMarketplaces, productSales } from '../src/analytics/products.ts';
import { salesReport } from '../src/analytics/sales.ts';
import type { Bench } from './run.ts';
import { seedBenchSeller, seedUsdInrRates } from './support/analytics-data.ts';
import { openBenchDatabase } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const total = Number(options.total ?? 500_000);
  const reps = Number(options.reps ?? 30);
  const db = await openBenchDatabase();
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
    const questions: Record<string, () => Promise<unknown>> = {
      summary: () => salesReport(db.pool, scope, lastMonth, { by: 'marketplace' }),
      comparison: () =>
        Promise.all([
          salesReport(db.pool, scope, lastMonth, { by: 'marketplace' }),
          salesReport(db.pool, scope, precedingPeriod(lastMonth), { by: 'marketplace' }),
        ]),
      return_rate: () => salesReport(db.pool, scope, last30, { by: 'marketplace' }),
      product_x_marketplace: async () => compareAcrossMarketplaces(await productSales(db.pool, scope, lastMonth)),
    };
    const metrics: Record<string, number> = {};
    for (const [name, ask] of Object.entries(questions)) {
      for (let i = 0; i < 3; i++) await ask();
      const took: number[] = [];
      for (let i = 0; i < reps; i++) {
        t = performance.now();
        await ask();
        took.push(performance.now() - t);
      }
      took.sort((a, b) => a - b);
      metrics[`${name}_p50_ms`] = Number((took[Math.ceil(reps / 2) - 1] ?? 0).toFixed(1));
      metrics[`${name}_p95_ms`] = Number((took[Math.ceil(reps * 0.95) - 1] ?? 0).toFixed(1));
      process.stderr.write(`${name}: p50 ${metrics[`${name}_p50_ms`]} ms, p95 ${metrics[`${name}_p95_ms`]} ms\n`);
    }
    return { params: { orders, total, reps, seed_s: Number(seedS.toFixed(1)) }, metrics };
  } finally {
    await db.stop();
  }
};

export default bench;

/**
 * api-budget: a backfill under the published limits (sandbox limits on; the seller's
 * shop is on the Standard plan: 100 cost points/s, a 2,000-point bucket). Reports the
 * calls per 1,000 orders, throttled responses (the goal is none: the client paces
 * itself), and the time the limit alone implies (points spent beyond the full bucket
 * ÷ restore rate) next to the time taken. Options: --orders (default 20000);
 * --paging true reads every order through GraphQL pages instead of a bulk operation
 * (the delta path; use a few hundred orders: Standard allows about 4 pages a second).
 */
import { syncSeller } from '../src/sync/sync-manager.ts';
import type { Bench } from './run.ts';
import { progress, setUpSyncBench } from './support/sync-setup.ts';

const STANDARD = { restoreRate: 100, bucket: 2000 };

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 20_000);
  const paging = options.paging === 'true';
  const setup = await setUpSyncBench(['--orders', String(orders)]);
  if (paging) setup.deps.tuning = { bulkThreshold: Number.POSITIVE_INFINITY };
  try {
    const t = performance.now();
    const result = await syncSeller(setup.deps, setup.userId, {
      trigger: 'manual',
      onProgress: progress('backfill (limits on)'),
    });
    const seconds = (performance.now() - t) / 1000;
    process.stderr.write('\n');
    const run = result.connections[0];
    if (run?.status !== 'succeeded') throw new Error(`sync ${run?.status}: ${run?.error}`);
    const stats = await setup.pool.query<{ api_calls: number; throttled_calls: number }>(
      'select api_calls, throttled_calls from sync_run where id = $1',
      [run.runId],
    );
    const cost = run.costPoints;
    const floor = Math.max(0, cost - STANDARD.bucket) / STANDARD.restoreRate;
    return {
      params: { orders, plan: 'standard', path: paging ? 'graphql pages' : 'bulk', marketplaces: ['shopify'] },
      metrics: {
        shopify_api_calls: stats.rows[0]?.api_calls ?? run.apiCalls,
        shopify_api_calls_per_1k_orders: Number(((run.apiCalls / run.ordersUpserted) * 1000).toFixed(2)),
        throttled_responses: stats.rows[0]?.throttled_calls ?? run.throttledCalls,
        cost_points: cost,
        limit_floor_s: Number(floor.toFixed(2)),
        seconds: Number(seconds.toFixed(2)),
        waited_for_limits_s: Number((run.waitedMs / 1000).toFixed(2)),
      },
    };
  } finally {
    await setup.stop();
  }
};

export default bench;

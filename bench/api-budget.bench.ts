/**
 * api-budget: backfills under the published limits (sandbox limits on), one
 * marketplace after the other, each as a seller's first sync. Per marketplace: the
 * calls, calls per 1,000 orders, throttled responses (the goal is none: the clients
 * pace themselves), the time the limits alone imply for what was done, next to the
 * time taken; and, from the calls each operation needs, the floor the limits imply
 * for a 12-month backfill of 50,000 orders.
 *
 *   Shopify (Standard plan: 100 cost points/s, a 2,000-point bucket): points spent
 *   beyond the full bucket ÷ restore rate. `--paging true` reads every order through
 *   GraphQL pages instead of a bulk operation (the delta path; a few hundred orders).
 *   Flipkart (no published limit; the sandbox stands in with 10 requests/s, burst 20).
 *   Amazon (token buckets per operation): for each operation, calls beyond its burst
 *   ÷ its rate; the largest is the floor. Reports make the 12-month figure a matter of
 *   report requests, not orders; the same history through searchOrders alone is shown
 *   beside it.
 *
 * Options: --orders per store (default 3000), --marketplaces (default all three),
 * --amazon-days (history Amazon reads, default 60; 365 runs the 12-month backfill for
 * real, about a quarter of an hour at the published limits).
 */
import type { Marketplace } from '../src/db/enums.ts';
import { AMAZON_LIMITS } from '../src/marketplaces/amazon/amazon-client.ts';
import { syncSeller } from '../src/sync/sync-manager.ts';
import type { Bench } from './run.ts';
import { marketplacesOption, progress, setUpSyncBench } from './support/sync-setup.ts';

const STANDARD = { restoreRate: 100, bucket: 2000 };
const FLIPKART_SANDBOX = { rate: 10, burst: 20 };
const YEAR_ORDERS = 50_000;

/** Calls beyond the burst ÷ rate: the least time a token bucket allows for `calls`. */
const bucketFloor = (calls: number, [rate, burst]: readonly [number, number]) => Math.max(0, calls - burst) / rate;

/** What Amazon's 12-month, 50,000-order backfill asks of each operation. */
function amazonYear(measured: Record<string, number>): Record<string, number> {
  const orderReports = Math.ceil(365 / 28);
  const returnReports = 2 * Math.ceil(365 / 58);
  return {
    // one page of pre-orders (a page holds 100)
    searchOrders: 1,
    createReport: orderReports + returnReports,
    getReport: orderReports + returnReports,
    getReportDocument: orderReports + returnReports,
    // products depend on the catalog, not on the orders
    getListingsItem: measured.getListingsItem ?? 0,
    getInventorySummaries: measured.getInventorySummaries ?? 0,
  };
}

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 3000);
  const marketplaces = marketplacesOption(options.marketplaces);
  const amazonDays = Number(options['amazon-days'] ?? 60);
  const paging = options.paging === 'true';
  const setup = await setUpSyncBench(['--orders', String(orders)]);
  const metrics: Record<string, number> = {};
  const requests = async (): Promise<Record<string, number>> => {
    const body = (await (await fetch(`${setup.base}/_sandbox/limits`)).json()) as { requests: Record<string, number> };
    return body.requests;
  };
  try {
    for (const marketplace of marketplaces) {
      setup.deps.tuning = {
        ...(paging ? { bulkThreshold: Number.POSITIVE_INFINITY } : {}),
        ...(marketplace === 'amazon' ? { backfillDays: amazonDays } : {}),
      };
      const before = await requests();
      const t = performance.now();
      const result = await syncSeller(setup.deps, setup.userId, {
        trigger: 'manual',
        marketplace,
        onProgress: progress('backfill (limits on)'),
      });
      const seconds = (performance.now() - t) / 1000;
      process.stderr.write('\n');
      const run = result.connections[0];
      if (run?.status !== 'succeeded') throw new Error(`${marketplace} sync ${run?.status}: ${run?.error}`);
      const after = await requests();
      const byOperation: Record<string, number> = {};
      for (const [key, n] of Object.entries(after)) {
        const [where, operation] = key.split(':');
        if (where === marketplace && operation) {
          byOperation[operation] = (byOperation[operation] ?? 0) + n - (before[key] ?? 0);
        }
      }
      const m = (name: string, value: number) => {
        metrics[`${marketplace}_${name}`] = Number(value.toFixed(2));
      };
      m('orders', run.ordersUpserted);
      m('api_calls', run.apiCalls);
      m('api_calls_per_1k_orders', (run.apiCalls / Math.max(1, run.ordersUpserted)) * 1000);
      m('throttled_responses', run.throttledCalls);
      m('seconds', seconds);
      m('waited_for_limits_s', run.waitedMs / 1000);
      const floors = floorsFor(marketplace, run, byOperation, paging);
      m('limit_floor_s', floors.now);
      m('year_50k_limit_floor_s', floors.year);
      if (floors.yearSearchOnly !== undefined) m('year_50k_search_orders_only_floor_s', floors.yearSearchOnly);
      for (const [operation, n] of Object.entries(byOperation)) m(`calls_${operation}`, n);
    }
    return {
      params: {
        orders_per_store: orders,
        marketplaces,
        shopify_plan: 'standard',
        shopify_path: paging ? 'graphql pages' : 'bulk',
        amazon_days: amazonDays,
        flipkart_sandbox_limit: `${FLIPKART_SANDBOX.rate}/s burst ${FLIPKART_SANDBOX.burst}`,
      },
      metrics,
    };
  } finally {
    await setup.stop();
  }
};

function floorsFor(
  marketplace: Marketplace,
  run: { apiCalls: number; costPoints: number; ordersUpserted: number },
  byOperation: Record<string, number>,
  paging: boolean,
): { now: number; year: number; yearSearchOnly?: number } {
  const per1k = run.apiCalls / Math.max(1, run.ordersUpserted);
  if (marketplace === 'shopify') {
    const now = Math.max(0, run.costPoints - STANDARD.bucket) / STANDARD.restoreRate;
    // a bulk operation's cost does not grow with the orders; pages cost per order
    const yearCost = paging ? (run.costPoints / Math.max(1, run.ordersUpserted)) * YEAR_ORDERS : run.costPoints;
    return { now, year: Math.max(0, yearCost - STANDARD.bucket) / STANDARD.restoreRate };
  }
  if (marketplace === 'flipkart') {
    const limit = [FLIPKART_SANDBOX.rate, FLIPKART_SANDBOX.burst] as const;
    return { now: bucketFloor(run.apiCalls, limit), year: bucketFloor(per1k * YEAR_ORDERS, limit) };
  }
  const floor = (calls: Record<string, number>) =>
    Math.max(
      0,
      ...Object.entries(calls).map(([op, n]) =>
        bucketFloor(n, AMAZON_LIMITS[op as keyof typeof AMAZON_LIMITS] ?? [1e9, 1]),
      ),
    );
  return {
    now: floor(byOperation),
    year: floor(amazonYear(byOperation)),
    yearSearchOnly: bucketFloor(Math.ceil(YEAR_ORDERS / 100), AMAZON_LIMITS.searchOrders),
  };
}

export default bench;

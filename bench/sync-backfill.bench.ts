/**
 * sync-backfill: one seller's Shopify history (about 2.5 items an order) from the
 * sandbox in another process (rate limits off) into PostgreSQL through the sync
 * engine. Baseline, in the same run: plain PostgreSQL COPY of the same normalized rows
 * (orders and items, read back from the synced tables) into tables of the same shape.
 * Options: --orders (default 100000).
 */

import { syncSeller } from '../src/sync/sync-manager.ts';
import type { Bench } from './run.ts';
import { progress, rssSampler, setUpSyncBench } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const setup = await setUpSyncBench(['--orders', String(orders), '--no-limits']);
  try {
    const rss = rssSampler();
    const t = performance.now();
    const result = await syncSeller(setup.deps, setup.userId, { trigger: 'manual', onProgress: progress('backfill') });
    const seconds = (performance.now() - t) / 1000;
    rss.stop();
    process.stderr.write('\n');
    const run = result.connections[0];
    if (run?.status !== 'succeeded') throw new Error(`sync ${run?.status}: ${run?.error}`);
    const copy = await copyBaseline(setup.pool, setup.connectionId);
    const ordersPerS = run.ordersUpserted / seconds;
    return {
      params: { orders, marketplaces: ['shopify'] },
      metrics: {
        orders_per_s: Math.round(ordersPerS),
        items_per_s: Math.round(run.itemsUpserted / seconds),
        orders_written: run.ordersUpserted,
        items_written: run.itemsUpserted,
        seconds: Number(seconds.toFixed(2)),
        api_calls: run.apiCalls,
        peak_rss_mb: rss.peakMb(),
      },
      baseline: {
        copy_orders_per_s: Math.round(run.ordersUpserted / copy.seconds),
        copy_seconds: Number(copy.seconds.toFixed(2)),
      },
      ratio: { vs_copy: Number((ordersPerS / (run.ordersUpserted / copy.seconds)).toFixed(2)) },
    };
  } finally {
    await setup.stop();
  }
};

/**
 * COPY of the same rows: exported to files by the server, then timed COPY FROM into
 * copies of the two tables (same columns, indexes and constraints).
 */
async function copyBaseline(pool: import('pg').Pool, connectionId: string): Promise<{ seconds: number }> {
  const files = {
    order: `/tmp/shopiq-bench-${process.pid}-order.copy`,
    item: `/tmp/shopiq-bench-${process.pid}-item.copy`,
  };
  await pool.query(`drop table if exists bench_copy_order, bench_copy_item`);
  await pool.query(`create table bench_copy_order (like unified_order including all)`);
  await pool.query(`create table bench_copy_item (like unified_order_item including all)`);
  await pool.query(`copy (select * from unified_order where connection_id = '${connectionId}') to '${files.order}'`);
  await pool.query(
    `copy (select * from unified_order_item where connection_id = '${connectionId}') to '${files.item}'`,
  );
  const t = performance.now();
  await pool.query(`copy bench_copy_order from '${files.order}'`);
  await pool.query(`copy bench_copy_item from '${files.item}'`);
  const seconds = (performance.now() - t) / 1000;
  await pool.query(`drop table bench_copy_order, bench_copy_item`);
  return { seconds };
}

export default bench;

/**
 * sync-delta: N orders stored, K changed at the source (existing and new orders), one
 * delta run. Options: --orders (default 100000), --changed (default 500).
 */
import { syncSeller } from '../src/sync/sync-manager.ts';
import type { Bench } from './run.ts';
import { progress, setUpSyncBench } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const changed = Number(options.changed ?? 500);
  const setup = await setUpSyncBench(['--orders', String(orders), '--no-limits']);
  try {
    const backfill = await syncSeller(setup.deps, setup.userId, {
      trigger: 'manual',
      onProgress: progress('backfill'),
    });
    process.stderr.write('\n');
    if (backfill.connections[0]?.status !== 'succeeded') throw new Error(`backfill: ${backfill.connections[0]?.error}`);
    await fetch(`${setup.base}/_sandbox/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: changed, advanceMs: 3_600_000, stores: ['s1-shopify'] }),
    });
    const t = performance.now();
    const delta = await syncSeller(setup.deps, setup.userId, { trigger: 'manual' });
    const wallMs = performance.now() - t;
    const run = delta.connections[0];
    if (run?.status !== 'succeeded') throw new Error(`delta: ${run?.error}`);
    return {
      params: { orders, changed, marketplaces: ['shopify'] },
      metrics: {
        wall_ms: Math.round(wallMs),
        api_calls: run.apiCalls,
        rows_written: run.ordersUpserted,
        items_written: run.itemsUpserted,
        throttled: run.throttledCalls,
      },
    };
  } finally {
    await setup.stop();
  }
};

export default bench;

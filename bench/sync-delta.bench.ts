/**
 * sync-delta: N orders stored, K changed at the source (existing and new orders), one
 * delta run of one marketplace. Options: --orders (default 100000), --changed (default
 * 500), --marketplace (default shopify; flipkart, amazon).
 */
import { syncSeller } from '../src/sync/sync-manager.ts';
import type { Bench } from './run.ts';
import { marketplacesOption, progress, setUpSyncBench } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const changed = Number(options.changed ?? 500);
  const [marketplace] = marketplacesOption(options.marketplace ?? 'shopify');
  if (!marketplace) throw new Error('--marketplace: one marketplace');
  const setup = await setUpSyncBench(['--orders', String(orders), '--no-limits']);
  // no limits to respect: Flipkart's client may go as fast as the sandbox answers
  setup.deps.tuning = { maxRatePerS: 100_000 };
  try {
    const backfill = await syncSeller(setup.deps, setup.userId, {
      trigger: 'manual',
      marketplace,
      onProgress: progress('backfill'),
    });
    process.stderr.write('\n');
    if (backfill.connections[0]?.status !== 'succeeded') throw new Error(`backfill: ${backfill.connections[0]?.error}`);
    await fetch(`${setup.base}/_sandbox/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: changed, advanceMs: 3_600_000, stores: [`s1-${marketplace}`] }),
    });
    // Amazon serves changes once they are two minutes old
    await fetch(`${setup.base}/_sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 180_000 }),
    });
    const t = performance.now();
    const delta = await syncSeller(setup.deps, setup.userId, { trigger: 'manual', marketplace });
    const wallMs = performance.now() - t;
    const run = delta.connections[0];
    if (run?.status !== 'succeeded') throw new Error(`delta: ${run?.error}`);
    return {
      params: { orders, changed, marketplace },
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

/**
 * sync-delta: N orders stored, K changed at the source (existing and new orders), one
 * delta run of one marketplace, then the alert check a worker runs after each sync
 * (`alerts_ms`: the detectors over what the run left, told to a recording stand-in).
 * Options: --orders (default 100000), --changed (default 500), --marketplace (default
 * shopify; flipkart, amazon).
 */
import type { ChatNotifier } from '../src/channels/chat-notifier.ts';
import { checkAlerts, insightDeps } from '../src/insights/alerts.ts';
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
    // what runSync does next in a worker: the alerts over the rows the run changed
    let told = 0;
    const standIn: ChatNotifier = {
      post: async (address) => {
        told++;
        return { address };
      },
      update: async () => false,
      editable: () => false,
      showsCharts: () => false,
    };
    await setup.pool.query(
      `update "user" set digest_address = '{"channel":"terminal","conversationId":"terminal-bench","identity":"local"}' where id = $1`,
      [setup.userId],
    );
    const a = performance.now();
    const deps = insightDeps({ pool: setup.pool, notifier: standIn, log: setup.deps.log }, setup.deps.config);
    const alerts = await checkAlerts(deps, setup.userId, { since: new Date(Date.now() - wallMs - 1000) });
    const alertsMs = performance.now() - a;
    return {
      params: { orders, changed, marketplace },
      metrics: {
        wall_ms: Math.round(wallMs),
        api_calls: run.apiCalls,
        rows_written: run.ordersUpserted,
        items_written: run.itemsUpserted,
        throttled: run.throttledCalls,
        alerts_ms: Math.round(alertsMs),
        alerts_raised: alerts.raised.length,
        alert_messages: told,
      },
      ratio: { alerts_vs_sync_pct: Number(((alertsMs / wallMs) * 100).toFixed(1)) },
    };
  } finally {
    await setup.stop();
  }
};

export default bench;

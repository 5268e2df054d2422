/**
 * sync-backfill: one seller's history (about 2.5 items an order) on Shopify, Flipkart
 * and Amazon, the orders split evenly between them, from the sandbox in another
 * process (rate limits off) into PostgreSQL through the sync engine, one connection
 * after the other as a seller's sync runs. Baseline, in the same run: plain PostgreSQL
 * COPY of the same normalized rows (orders and items, read back from the synced tables)
 * into tables of the same shape, constraints and foreign keys. Peak RSS is V8's choice
 * as much as ours: memory in use stays flat with N (the run streams), and
 * `NODE_OPTIONS=--max-old-space-size=…` caps the heap it may grow to.
 * Options: --orders (total, default 100000), --marketplaces (default shopify,flipkart,amazon).
 */

import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { type OwnerCheckedTable, tenantOwnerCheckTriggers } from '../src/db/entities/tenant-owner-check.ts';
import { syncSeller } from '../src/sync/sync-manager.ts';
import type { Bench } from './run.ts';
import { marketplacesOption, progress, rssSampler, setUpSyncBench } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const marketplaces = marketplacesOption(options.marketplaces);
  const perStore = Math.ceil(orders / marketplaces.length);
  const setup = await setUpSyncBench(['--orders', String(perStore), '--no-limits']);
  // no limits to respect: Flipkart's client may go as fast as the sandbox answers
  setup.deps.tuning = { maxRatePerS: 100_000 };
  try {
    const rss = rssSampler();
    // marketplaces left out are set aside, so the run below syncs only those asked for
    await setup.pool.query(
      `update marketplace_connection set status = 'DISCONNECTED' where user_id = $1 and marketplace <> all($2)`,
      [setup.userId, marketplaces],
    );
    const t = performance.now();
    // one seller run: its connections sync side by side, as they do in production
    const result = await syncSeller(setup.deps, setup.userId, {
      trigger: 'manual',
      onProgress: progress('backfill'),
    });
    const runs = result.connections.map((run) => {
      if (run.status !== 'succeeded') throw new Error(`${run.marketplace} sync ${run.status}: ${run.error}`);
      return { marketplace: run.marketplace, run, seconds: run.durationMs / 1000 };
    });
    const seconds = (performance.now() - t) / 1000;
    rss.stop();
    process.stderr.write('\n');
    const written = runs.reduce((n, r) => n + r.run.ordersUpserted, 0);
    const items = runs.reduce((n, r) => n + r.run.itemsUpserted, 0);
    const copy = await copyBaseline(setup.pool, setup.userId);
    // what the database's owner check costs: the same COPY into tables carrying the
    // owner-check statement triggers the synced tables carry
    const checked = await copyBaseline(setup.pool, setup.userId, { ownerCheck: true });
    const ordersPerS = written / seconds;
    return {
      params: { orders, marketplaces },
      metrics: {
        orders_per_s: Math.round(ordersPerS),
        items_per_s: Math.round(items / seconds),
        orders_written: written,
        items_written: items,
        seconds: Number(seconds.toFixed(2)),
        api_calls: runs.reduce((n, r) => n + r.run.apiCalls, 0),
        // what holding the seller's lease cost: one single-row UPDATE each
        lease_renewals: result.leaseRenewals ?? 0,
        // what the owner check (user_id = the connection's owner) adds to loading these rows
        owner_check_copy_seconds: Number(checked.seconds.toFixed(2)),
        owner_check_cost_s: Number((checked.seconds - copy.seconds).toFixed(2)),
        owner_check_cost_pct: Number((((checked.seconds - copy.seconds) / copy.seconds) * 100).toFixed(1)),
        peak_rss_mb: rss.peakMb(),
        ...Object.fromEntries(
          runs.flatMap((r) => [
            [`${r.marketplace}_orders`, r.run.ordersUpserted],
            [`${r.marketplace}_orders_per_s`, Math.round(r.run.ordersUpserted / r.seconds)],
            [`${r.marketplace}_seconds`, Number(r.seconds.toFixed(2))],
            [`${r.marketplace}_api_calls`, r.run.apiCalls],
          ]),
        ),
      },
      baseline: {
        copy_orders_per_s: Math.round(written / copy.seconds),
        copy_seconds: Number(copy.seconds.toFixed(2)),
      },
      ratio: { vs_copy: Number((ordersPerS / (written / copy.seconds)).toFixed(2)) },
    };
  } finally {
    await setup.stop();
  }
};

/**
 * COPY of the same rows through a client, as any bulk loader would do it: the synced
 * rows stream out (COPY TO STDOUT) and straight back in (COPY FROM STDIN) into tables
 * of the same shape (same columns, indexes, constraints and foreign keys). With
 * `ownerCheck`, the tables also carry the synced tables' owner-check triggers.
 */
async function copyBaseline(pool: pg.Pool, userId: string, { ownerCheck = false } = {}): Promise<{ seconds: number }> {
  await pool.query('drop table if exists bench_copy_order, bench_copy_item');
  await pool.query('create table bench_copy_order (like unified_order including all)');
  await pool.query('create table bench_copy_item (like unified_order_item including all)');
  // the same foreign keys too: the anchor loads the same rows into the same schema
  for (const [from, to] of [
    ['unified_order', 'bench_copy_order'],
    ['unified_order_item', 'bench_copy_item'],
  ]) {
    const fks = await pool.query<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = $1::regclass and contype = 'f'`,
      [from],
    );
    for (const { def } of fks.rows) await pool.query(`alter table ${to} add ${def}`);
    if (ownerCheck) {
      for (const trigger of tenantOwnerCheckTriggers(to as OwnerCheckedTable))
        await pool.query(String(trigger.expression));
    }
  }
  const source = await pool.connect();
  const target = await pool.connect();
  try {
    const t = performance.now();
    for (const [from, to] of [
      ['unified_order', 'bench_copy_order'],
      ['unified_order_item', 'bench_copy_item'],
    ]) {
      await pipeline(
        source.query(copyTo(`copy (select * from ${from} where user_id = '${userId}') to stdout`)),
        target.query(copyFrom(`copy ${to} from stdin`)),
      );
    }
    return { seconds: (performance.now() - t) / 1000 };
  } finally {
    source.release();
    target.release();
    await pool.query('drop table bench_copy_order, bench_copy_item');
    await pool.query('drop function if exists bench_copy_order_check_owner(), bench_copy_item_check_owner()');
  }
}

export default bench;

/**
 * The sync engine with the Shopify client against the sandbox over loopback HTTP,
 * into a real PostgreSQL: backfill, idempotent re-run, delta after source changes,
 * faults, tenancy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { json, sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { expectShopifyMatchesTruth, type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';

const started: Sandbox[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});
async function sandbox(seed = 7, ordersPerStore = 400) {
  const s = await startSandbox({ seed, ordersPerStore });
  started.push(s.sandbox);
  return s.base;
}

describe('Shopify sync against the sandbox', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let base: string;
  let indigo: string; // seller 1: a USD shop
  let desi: string; // seller 2: an INR shop

  beforeAll(async () => {
    h = await harness();
    base = await sandbox();
    indigo = await h.connect(base, '1');
    desi = await h.connect(base, 'Desi Threads');
  });

  it('a backfill makes orders, amounts and items equal the sandbox truth per month and status', async () => {
    for (const seller of [indigo, desi]) {
      const result = await h.sync(seller, 'shopify');
      expect(result.busy).toBe(false);
      expect(result.connections.map((c) => [c.marketplace, c.status, c.error])).toEqual([
        ['shopify', 'succeeded', undefined],
      ]);
      expect(result.connections[0]?.ordersUpserted).toBeGreaterThanOrEqual(400);
      await expectShopifyMatchesTruth(h.pool, seller, base);
    }
    const runs = await h.pool.query(`select status, api_calls, orders_upserted, cursors_after from sync_run`);
    expect(runs.rows).toHaveLength(2);
    for (const run of runs.rows) {
      expect(run.status).toBe('succeeded');
      expect(run.api_calls).toBeGreaterThan(0);
      expect(run.cursors_after.orders.updatedAt).toMatch(/^2026-/);
    }
    const fresh = await h.pool.query(
      `select count(*)::int as n from marketplace_connection where last_sync_at is null and marketplace = 'shopify'`,
    );
    expect(fresh.rows[0].n).toBe(0);
  });

  it('keeps no buyer’s name or e-mail: none of the shop’s customers appears in any table', async () => {
    // the sandbox's shop has customers (…@example.com) on its orders, as Shopify does; ShopIQ does not ask for them
    const { rows: tables } = await h.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    for (const { table_name } of tables) {
      const { rows } = await h.pool.query(
        `select count(*)::int as n from "${table_name}" t where t::text ~* '[a-z0-9.]+@example\\.com'`,
      );
      expect(`${table_name}: ${rows[0].n}`).toBe(`${table_name}: 0`);
    }
  });

  it('converts each order to USD at the reference rate of its order date', async () => {
    const { rows } = await h.pool.query(
      `select o.currency, o.total_amount::text as total, o.total_amount_usd::text as usd, o.fx_flag,
              to_char(o.ordered_at at time zone 'UTC', 'YYYY-MM-DD') as day
         from unified_order o where o.user_id = $1 order by o.ordered_at limit 5`,
      [desi],
    );
    expect(rows.length).toBe(5);
    for (const r of rows) {
      expect(r.currency).toBe('INR');
      expect(r.fx_flag).toBeNull();
      const fx = await json(fetch(`${base}/fx/v1/${r.day}?base=USD&symbols=INR`));
      const exact = await h.pool.query('select round($1::numeric / $2::numeric, 4)::text as usd', [
        r.total,
        String(fx.rates.INR),
      ]);
      expect(r.usd).toBe(exact.rows[0].usd);
    }
    const usdShop = await h.pool.query(
      `select count(*)::int as n from unified_order where user_id = $1 and total_amount_usd is distinct from total_amount`,
      [indigo],
    );
    expect(usdShop.rows[0].n).toBe(0);
  });

  it('links order items to the products synced with them', async () => {
    const { rows } = await h.pool.query(
      `select count(*) filter (where product_id is null)::int as unlinked, count(*)::int as items
         from unified_order_item where user_id = $1`,
      [indigo],
    );
    expect(rows[0].items).toBeGreaterThan(0);
    expect(rows[0].unlinked).toBe(0);
  });

  it('a second run writes nothing new', async () => {
    const again = await h.sync(indigo, 'shopify');
    const run = again.connections[0];
    expect(run).toMatchObject({ status: 'succeeded', ordersUpserted: 0, itemsUpserted: 0, productsUpserted: 0 });
    await expectShopifyMatchesTruth(h.pool, indigo, base);
  });

  it('after the source changes K orders, one delta run makes the tables equal the truth again', async () => {
    const mutated = await sandboxAdmin(base, 'mutate', { count: 60, advanceMs: 3_600_000, stores: ['s1-shopify'] });
    const changed = Object.values(mutated.changed['s1-shopify'] as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(changed).toBe(60);
    const delta = await h.sync(indigo, 'shopify');
    expect(delta.connections[0]?.status).toBe('succeeded');
    expect(delta.connections[0]?.ordersUpserted).toBeGreaterThan(0);
    expect(delta.connections[0]?.ordersUpserted).toBeLessThanOrEqual(60);
    await expectShopifyMatchesTruth(h.pool, indigo, base);
  });

  it('with 30% 429s and 10% 5xx a backfill ends the same, and the throttling is recorded', async () => {
    await h.pool.query(`delete from unified_order where user_id = $1`, [desi]);
    await h.pool.query(`delete from unified_product where user_id = $1`, [desi]);
    await h.pool.query(
      `update marketplace_connection set cursors = '{}' where user_id = $1 and marketplace = 'shopify'`,
      [desi],
    );
    await sandboxAdmin(base, 'faults', { spec: 'shopify:429=0.3,retryAfter=0.02,5xx=0.1' }, 'PUT');
    try {
      const result = await h.sync(desi, 'shopify');
      const run = result.connections[0];
      expect(run?.status, run?.error).toBe('succeeded');
      expect(run?.throttledCalls).toBeGreaterThan(0);
      await expectShopifyMatchesTruth(h.pool, desi, base);
      const recorded = await h.pool.query('select throttled_calls from sync_run where id = $1', [run?.runId]);
      expect(recorded.rows[0].throttled_calls).toBe(run?.throttledCalls);
    } finally {
      await fetch(`${base}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('a failed run leaves the cursor where it was and lastSyncAt unmoved; the next run catches up', async () => {
    const before = await h.pool.query(
      `select cursors, last_sync_at from marketplace_connection where user_id = $1 and marketplace = 'shopify'`,
      [indigo],
    );
    await sandboxAdmin(base, 'mutate', { count: 30, advanceMs: 600_000, stores: ['s1-shopify'] });
    await sandboxAdmin(base, 'faults', { spec: 'shopify:5xx=1' }, 'PUT');
    try {
      const failed = await h.sync(indigo, 'shopify');
      expect(failed.connections[0]).toMatchObject({ status: 'failed', failureKind: 'temporary' });
    } finally {
      await fetch(`${base}/_sandbox/faults`, { method: 'DELETE' });
    }
    const after = await h.pool.query(
      `select cursors, last_sync_at, last_error, status from marketplace_connection where user_id = $1 and marketplace = 'shopify'`,
      [indigo],
    );
    expect(after.rows[0].cursors.orders.updatedAt).toBe(before.rows[0].cursors.orders.updatedAt);
    expect(after.rows[0].last_sync_at).toEqual(before.rows[0].last_sync_at);
    expect(after.rows[0].last_error).toMatch(/HTTP 5\d\d/);
    expect(after.rows[0].status).toBe('CONNECTED');
    const next = await h.sync(indigo, 'shopify');
    expect(next.connections[0]?.status).toBe('succeeded');
    await expectShopifyMatchesTruth(h.pool, indigo, base);
  });

  it('two sellers whose shops have identical order ids stay apart', async () => {
    // a second sandbox with the same seed serves the same shop with the same order ids
    const twin = await sandbox();
    const other = await h.connect(twin, '1');
    expect(other).not.toBe(indigo);
    await h.sync(other, 'shopify');
    const shared = await h.pool.query(
      `select count(*)::int as n from unified_order a join unified_order b using (external_order_id)
        where a.user_id = $1 and b.user_id = $2`,
      [indigo, other],
    );
    expect(shared.rows[0].n).toBeGreaterThanOrEqual(400);
    // only the twin changes: the first seller's rows must not follow
    await sandboxAdmin(twin, 'mutate', { count: 80, advanceMs: 7_200_000, stores: ['s1-shopify'] });
    await h.sync(other, 'shopify');
    await expectShopifyMatchesTruth(h.pool, other, twin);
    await expectShopifyMatchesTruth(h.pool, indigo, base);
  });

  it('quarantines malformed source records with the reason, counts them, and loads the rest', async () => {
    await h.pool.query('delete from unified_order where user_id = $1', [desi]);
    await h.pool.query(
      `update marketplace_connection set cursors = '{}' where user_id = $1 and marketplace = 'shopify'`,
      [desi],
    );
    await sandboxAdmin(base, 'faults', { spec: 'shopify:malformed=0.05' }, 'PUT');
    try {
      const result = await h.sync(desi, 'shopify');
      const run = result.connections[0];
      expect(run?.status, run?.error).toBe('succeeded');
      const counts = await h.pool.query(
        `select (select count(*)::int from unified_order where user_id = $1) as loaded,
                (select count(*)::int from sync_quarantine where user_id = $1 and stream = 'orders') as quarantined,
                (select array_agg(distinct split_part(reason, ':', 2)) from sync_quarantine where user_id = $1) as fields`,
        [desi],
      );
      const truth = await json(fetch(`${base}/_sandbox/truth`));
      const source = truth.totals.find((t: { store: string }) => t.store === 's2-shopify').orders;
      const { loaded, quarantined, fields } = counts.rows[0];
      expect(quarantined).toBeGreaterThan(0);
      expect(loaded + quarantined).toBe(source);
      expect(run?.quarantined).toBeGreaterThanOrEqual(quarantined);
      expect(fields.map((f: string) => f.trim()).sort()).toEqual(['createdAt', 'totalPriceSet.shopMoney.amount']);
    } finally {
      await fetch(`${base}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});

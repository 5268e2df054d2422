/**
 * The sync engine's guarantees for each further marketplace, against the sandbox over
 * loopback into a real PostgreSQL: backfill equals the truth, an idempotent re-run, a
 * delta after source changes, 429/5xx faults, identical external ids across sellers.
 * (Shopify's own, longer version: sync-shopify.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Marketplace } from '../../src/db/enums.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { json, sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';

const started: Sandbox[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});
/** Enough for seller 1's Amazon store to hold a pre-order (PENDING_AVAILABILITY) too. */
const ORDERS = 500;
async function sandbox(seed = 7) {
  const s = await startSandbox({ seed, ordersPerStore: ORDERS, sellers: 2 });
  started.push(s.sandbox);
  return s.base;
}

describe.each<Marketplace>(['flipkart', 'amazon'])('%s sync against the sandbox', (marketplace) => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let base: string;
  let seller: string;
  const store = `s1-${marketplace}`;
  const sync = async (userId: string) => {
    const result = await h.sync(userId, marketplace);
    expect(result.connections).toHaveLength(1);
    const run = result.connections[0];
    expect(run?.status, run?.error).toBe('succeeded');
    return run as NonNullable<typeof run>;
  };

  beforeAll(async () => {
    h = await harness();
    base = await sandbox();
    seller = await h.connect(base, '1');
  });

  it('a backfill makes the tables equal the sandbox truth; a second run writes nothing new', async () => {
    const run = await sync(seller);
    expect(run.ordersUpserted).toBe(ORDERS);
    await expectMatchesTruth(h.pool, seller, base, marketplace);
    if (marketplace === 'amazon') {
      // the order report cannot tell a pre-order from a pending order; the stored status can
      const { rows } = await h.pool.query(
        `select count(*)::int as n from unified_order where user_id = $1 and source_status = 'PENDING_AVAILABILITY'`,
        [seller],
      );
      expect(rows[0].n).toBeGreaterThan(0);
    }
    const listingCalls = async () => {
      const { requests } = await json(fetch(`${base}/_sandbox/limits`));
      return Object.entries(requests as Record<string, number>)
        .filter(([key]) => key.startsWith(`${marketplace}:`) && /listing/i.test(key))
        .reduce((n, [, calls]) => n + calls, 0);
    };
    const listed = await listingCalls();
    expect(listed).toBeGreaterThan(0);
    const again = await sync(seller);
    expect(again).toMatchObject({ ordersUpserted: 0, itemsUpserted: 0, productsUpserted: 0, returnsApplied: 0 });
    // products read minutes ago are fresh: no SKU is looked up again
    expect(await listingCalls()).toBe(listed);
  });

  const expectReturnsMatchTruth = async () => {
    const truth = await json(fetch(`${base}/_sandbox/truth`));
    const expected = truth.returns.find((r: any) => r.seller === 1 && r.marketplace === marketplace);
    const { rows } = await h.pool.query(
      `select count(distinct order_id)::int as orders, coalesce(sum(returned_quantity), 0)::int as units
         from unified_order_item where user_id = $1 and marketplace = $2 and is_returned`,
      [seller, marketplace],
    );
    expect(expected.returnedOrders).toBeGreaterThan(0);
    expect(rows[0]).toEqual({ orders: expected.returnedOrders, units: expected.returnedUnits });
    // each dated by when its units came back (a return spike counts by it), never before its order
    const { rows: dated } = await h.pool.query(
      `select count(*) filter (where i.returned_at is null)::int as undated,
              count(*) filter (where i.returned_at < o.ordered_at)::int as before_order
         from unified_order_item i join unified_order o on o.id = i.order_id
        where i.user_id = $1 and i.marketplace = $2 and i.is_returned`,
      [seller, marketplace],
    );
    expect(dated[0]).toEqual({ undated: 0, before_order: 0 });
  };

  it('knows which units came back, as the source says', expectReturnsMatchTruth);

  it('reads the products the orders name and links every item with a SKU to its product', async () => {
    const { rows } = await h.pool.query(
      `select count(*) filter (where i.product_id is null and i.sku is not null)::int as unlinked, count(*)::int as items,
              (select count(*)::int from unified_product p where p.user_id = $1 and p.marketplace = $2) as products
         from unified_order_item i where i.user_id = $1 and i.marketplace = $2`,
      [seller, marketplace],
    );
    expect(rows[0].items).toBeGreaterThan(0);
    expect(rows[0].products).toBeGreaterThan(0);
    expect(rows[0].unlinked).toBe(0);
  });

  it('after the source changes orders, one delta run makes the tables equal the truth again', async () => {
    await sandboxAdmin(base, 'mutate', { count: 40, advanceMs: 3_600_000, stores: [store] });
    // Amazon serves changes once they are two minutes old, as the real API does
    await sandboxAdmin(base, 'clock', { advanceMs: 180_000 });
    const run = await sync(seller);
    expect(run.ordersUpserted).toBeGreaterThan(0);
    await expectMatchesTruth(h.pool, seller, base, marketplace);
    // orders rewritten by the delta keep the returns read apart from them
    await expectReturnsMatchTruth();
  });

  it('with 30% 429s and 10% 5xx a backfill ends the same', async () => {
    await h.pool.query('delete from unified_order where user_id = $1 and marketplace = $2', [seller, marketplace]);
    await h.pool.query(`update marketplace_connection set cursors = '{}' where user_id = $1 and marketplace = $2`, [
      seller,
      marketplace,
    ]);
    await sandboxAdmin(base, 'faults', { spec: `${marketplace}:429=0.3,retryAfter=0.02,5xx=0.1` }, 'PUT');
    try {
      const run = await sync(seller);
      expect(run.throttledCalls).toBeGreaterThan(0);
      await expectMatchesTruth(h.pool, seller, base, marketplace);
    } finally {
      await fetch(`${base}/_sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('two sellers whose accounts have identical order ids stay apart', async () => {
    const twin = await sandbox();
    const other = await h.connect(twin, '1');
    await sync(other);
    const shared = await h.pool.query(
      `select count(*)::int as n from unified_order a join unified_order b using (external_order_id)
        where a.user_id = $1 and b.user_id = $2 and a.marketplace = $3 and b.marketplace = $3`,
      [seller, other, marketplace],
    );
    expect(shared.rows[0].n).toBeGreaterThanOrEqual(ORDERS);
    await sandboxAdmin(twin, 'mutate', { count: 50, advanceMs: 7_200_000, stores: [store] });
    await sandboxAdmin(twin, 'clock', { advanceMs: 180_000 });
    await sync(other);
    await expectMatchesTruth(h.pool, other, twin, marketplace);
    await expectMatchesTruth(h.pool, seller, base, marketplace);
  });
});

describe('one product across marketplaces', () => {
  const harness = useSyncHarness();

  it('lines up under one normalized SKU with a row per marketplace, the three synced side by side', async () => {
    const h = await harness();
    const base = await sandbox(11);
    const seller = await h.connect(base, '1');
    const result = await h.sync(seller);
    expect(result.connections.map((c) => [c.marketplace, c.status])).toEqual([
      ['amazon', 'succeeded'],
      ['flipkart', 'succeeded'],
      ['shopify', 'succeeded'],
    ]);
    // the three connections synced side by side: each started before any finished
    const runs = await h.pool.query<{ started: Date; finished: Date }>(
      'select max(started_at) as started, min(finished_at) as finished from sync_run where user_id = $1',
      [seller],
    );
    expect(runs.rows[0]?.started.getTime()).toBeLessThan(runs.rows[0]?.finished.getTime() ?? 0);
    const { rows } = await h.pool.query<{ normalized_sku: string; marketplaces: string[]; skus: string[] }>(
      `select normalized_sku, array_agg(distinct marketplace order by marketplace) as marketplaces,
              array_agg(distinct sku) as skus
         from unified_product where user_id = $1 and normalized_sku is not null
        group by normalized_sku having count(distinct marketplace) > 1`,
      [seller],
    );
    expect(rows.length).toBeGreaterThan(0);
    // the sandbox lists some products on every marketplace and some on fewer
    expect(rows.some((r) => r.marketplaces.length === 3)).toBe(true);
    // sellers spell one SKU differently per marketplace; normalization still joins them
    expect(rows.some((r) => r.skus.length > 1)).toBe(true);
  });
});

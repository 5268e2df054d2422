/**
 * RELIABILITY F5: the database connection of a sync dropped in the middle of a page's
 * transaction. The page is held half-written (its products in, its items waiting on a
 * lock another session holds) and its backend is terminated as PostgreSQL's
 * administrator would. Nothing of the page may show, and the same pool then syncs.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, useSyncHarness } from '../support/sync-harness.ts';

describe('a sync whose database connection drops mid-page', () => {
  const harness = useSyncHarness();
  let sandbox: Sandbox | undefined;
  let admin: pg.Client | undefined;
  afterAll(async () => {
    await admin?.end().catch(() => {});
    await sandbox?.close();
  });

  it('F5: leaves no half-written page, and the same pool syncs it whole on the next run', async () => {
    const h = await harness();
    const started = await startSandbox({ seed: 5, sellers: 1, ordersPerStore: 300 });
    sandbox = started.sandbox;
    const seller = await h.connect(started.base, '1');
    const { rows } = await h.pool.query<{ id: string }>(
      `select id from marketplace_connection where user_id = $1 and marketplace = 'flipkart'`,
      [seller],
    );
    const connectionId = rows[0]?.id as string;
    const stored = async () =>
      (
        await h.pool.query<{ orders: number; items: number; products: number; cursor: unknown }>(
          `select (select count(*)::int from unified_order where connection_id = $1) as orders,
                  (select count(*)::int from unified_order_item where connection_id = $1) as items,
                  (select count(*)::int from unified_product where connection_id = $1) as products,
                  (select cursors -> 'orders' from marketplace_connection where id = $1) as cursor`,
          [connectionId],
        )
      ).rows[0];

    // Flipkart writes its orders before its products: the first page is an orders page
    admin = new pg.Client({ connectionString: h.db.url });
    await admin.connect();
    await admin.query('begin');
    await admin.query('lock table unified_order_item in share mode');
    const run = h.sync(seller, 'flipkart');

    // the sync's backend, in its page's transaction, has written the page's products and
    // waits to link the items to them
    const locks = (pid?: number) =>
      admin?.query<{ pid: number; rel: string; mode: string; granted: boolean }>(
        `select pid, relation::regclass::text as rel, mode, granted from pg_locks
          where locktype = 'relation' and ($1::int is null or pid = $1)`,
        [pid ?? null],
      );
    let blocked: number | undefined;
    const deadline = Date.now() + 20_000;
    while (blocked === undefined && Date.now() < deadline) {
      blocked = (await locks())?.rows.find((l) => l.rel === 'unified_order_item' && !l.granted)?.pid;
      if (blocked === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await locks(blocked))?.rows).toContainEqual(
      expect.objectContaining({ rel: 'unified_product', mode: 'RowExclusiveLock', granted: true }),
    );
    const terminated = await admin.query('select pg_terminate_backend($1) as ok', [blocked]);
    expect(terminated.rows[0].ok).toBe(true);
    await admin.query('rollback');

    const failed = await run;
    expect(failed.connections[0]?.status).toBe('failed');
    expect(failed.connections[0]?.error).toMatch(/terminat/i);
    // the products the page had written went with it, and the cursor did not move
    expect(await stored()).toEqual({ orders: 0, items: 0, products: 0, cursor: null });

    const resumed = await h.sync(seller, 'flipkart');
    expect(resumed.connections[0]?.status, resumed.connections[0]?.error).toBe('succeeded');
    await expectMatchesTruth(h.pool, seller, started.base, 'flipkart');
  });
});

/**
 * `disconnect` while the marketplace's sync runs: the sync stops at its next page, and
 * nothing it does afterwards (a page, tokens it refreshed, its final status) brings the
 * connection back. Before, the run went on to the end and marked the connection
 * CONNECTED again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectConnections } from '../../src/connections/connection-store.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { syncSeller } from '../../src/sync/sync-manager.ts';
import { startSandbox } from '../support/sandbox.ts';
import { useSyncHarness } from '../support/sync-harness.ts';

describe('disconnecting a marketplace while it syncs', () => {
  const harness = useSyncHarness();
  let h: Awaited<ReturnType<typeof harness>>;
  let sandbox: Sandbox;
  let userId: string;

  beforeAll(async () => {
    h = await harness();
    let base: string;
    ({ sandbox, base } = await startSandbox({ sellers: 1, ordersPerStore: 1500 }));
    userId = await h.connect(base, '1');
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  const connection = async () =>
    (
      await h.pool.query(
        `select c.status, c.access_token_sealed, c.refresh_token_sealed,
                (select count(*)::int from unified_order o where o.connection_id = c.id) as orders
           from marketplace_connection c where c.user_id = $1 and c.marketplace = 'flipkart'`,
        [userId],
      )
    ).rows[0];

  it('stops the running sync at its next page and leaves the connection disconnected, with no token', async () => {
    let disconnecting: Promise<unknown> | undefined;
    let ordersAtDisconnect: number | undefined;
    const result = await syncSeller(h.deps, userId, {
      trigger: 'manual',
      marketplace: 'flipkart',
      onProgress: (progress) => {
        // after the first page of orders: the seller disconnects Flipkart
        if (progress.stream !== 'orders' || disconnecting !== undefined) return;
        disconnecting = disconnectConnections(h.pool, { marketplace: 'flipkart', userId }).then(async (done) => {
          ordersAtDisconnect = (await connection())?.orders;
          return done;
        });
      },
    });
    expect(await disconnecting).toBe(1);
    const [run] = result.connections;
    expect(run?.status).toBe('fenced');
    expect(run?.error).toMatch(/disconnected while it synced/);
    const after = await connection();
    expect(after).toMatchObject({ status: 'DISCONNECTED', access_token_sealed: null, refresh_token_sealed: null });
    // no page was written once the disconnect had committed, and the seller's data so far stays
    expect(after?.orders).toBe(ordersAtDisconnect);
    expect(after?.orders).toBeGreaterThan(0);
    const { rows } = await h.pool.query(
      `select count(*)::int as n from sync_run where user_id = $1 and marketplace = 'flipkart' and status = 'succeeded'`,
      [userId],
    );
    expect(rows[0].n).toBe(0);
  });
});

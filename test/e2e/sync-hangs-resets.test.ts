/**
 * RELIABILITY F2, the network half: marketplace requests that hang (never answered)
 * or whose connection is reset. A backfill through a share of them ends equal to the
 * sandbox's truth; a source that never answers fails the run after its bounded number of
 * attempts, as temporary, with the cursor where it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Marketplace } from '../../src/db/enums.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, useSyncHarness } from '../support/sync-harness.ts';

describe.each<Marketplace>(['shopify', 'flipkart', 'amazon'])('a %s sync through hangs and resets', (marketplace) => {
  const harness = useSyncHarness();
  let sandbox: Sandbox | undefined;
  afterAll(async () => {
    await sandbox?.close();
  });

  it('F2: ends equal to the truth through 5% hanging and 15% reset requests; an unanswering source fails it, cursor kept', async () => {
    const h = await harness();
    // a hang is cut by the request timeout, kept short here
    h.deps.tuning = { ...h.deps.tuning, timeoutMs: 250 };
    const started = await startSandbox({ seed: 11, sellers: 1, ordersPerStore: 100 });
    sandbox = started.sandbox;
    const seller = await h.connect(started.base, '1');
    const state = async () =>
      (
        await h.pool.query<{ cursors: Record<string, unknown>; orders: number }>(
          `select c.cursors, (select count(*)::int from unified_order o where o.connection_id = c.id) as orders
             from marketplace_connection c where c.user_id = $1 and c.marketplace = $2`,
          [seller, marketplace],
        )
      ).rows[0];

    await sandboxAdmin(started.base, 'faults', { spec: `${marketplace}:hang=0.05,reset=0.15` }, 'PUT');
    const faulted = await h.sync(seller, marketplace);
    expect(faulted.connections[0]?.status, faulted.connections[0]?.error).toBe('succeeded');
    await expectMatchesTruth(h.pool, seller, started.base, marketplace);

    // it got there by retrying what hung or was reset (counted, not inferred from the number of calls:
    // Amazon's report polls vary with timing, so a clean run may ask more)
    expect(faulted.connections[0]?.retries).toBeGreaterThan(0);

    const before = await state();
    await sandboxAdmin(started.base, 'faults', { spec: `${marketplace}:hang=1` }, 'PUT');
    h.deps.tuning = { ...h.deps.tuning, retry: { ...h.deps.tuning?.retry, maxAttempts: 3 } };
    const hung = await h.sync(seller, marketplace);
    expect(hung.connections[0]).toMatchObject({ status: 'failed', failureKind: 'temporary', apiCalls: 3 });
    expect(await state()).toEqual(before);
  });
});

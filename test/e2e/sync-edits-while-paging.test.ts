/**
 * RELIABILITY F6: the source changes while a backfill pages through it, and the changes
 * all carry one updated-at, so hundreds of records share the cursor value across many
 * pages. The run that reads them fails inside that group, its cursor on the shared
 * value; the next one makes the tables equal the sandbox's truth. Shopify pages by 16.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../src/sandbox/http/faults.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import type { MutationSummary } from '../../src/sandbox/world/world.ts';
import { syncSeller } from '../../src/sync/sync-manager.ts';
import { startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, useSyncHarness } from '../support/sync-harness.ts';

describe('a Shopify backfill whose source changes while it pages', () => {
  const harness = useSyncHarness();
  let sandbox: Sandbox | undefined;
  afterAll(async () => {
    await sandbox?.close();
  });

  it('F6: 300 changes on one instant, made after a backfill’s first page: a run failing inside them is caught up by the next', async () => {
    const h = await harness();
    // page by page, not one bulk operation for the rest
    h.deps.tuning = { ...h.deps.tuning, bulkThreshold: 100_000 };
    const started = await startSandbox({ seed: 17, sellers: 1, ordersPerStore: 600 });
    sandbox = started.sandbox;
    const { world, faults } = started.sandbox.context;
    const seller = await h.connect(started.base, '1');
    let changed: MutationSummary | undefined;
    const first = await syncSeller(h.deps, seller, {
      trigger: 'manual',
      marketplace: 'shopify',
      onProgress: (progress) => {
        if (progress.stream === 'orders' && !changed) {
          changed = world.mutate({ count: 300, sameInstant: true, stores: ['s1-shopify'] });
        }
      },
    });
    expect(first.connections[0]?.status, first.connections[0]?.error).toBe('succeeded');
    expect(Object.values(changed?.['s1-shopify'] ?? {}).reduce((a, b) => a + b, 0)).toBe(300);

    // the next run reads the 300 by 16 and fails after 5 pages of them
    let pages = 0;
    const second = await syncSeller(h.deps, seller, {
      trigger: 'manual',
      marketplace: 'shopify',
      onProgress: (progress) => {
        if (progress.stream === 'orders' && ++pages === 5) faults.apply(parseFaultSpec('shopify:5xx=1'));
      },
    });
    expect(second.connections[0]).toMatchObject({ status: 'failed', failureKind: 'temporary' });
    const { rows } = await h.pool.query<{ cursor: string; sharing: number }>(
      `select c.cursors -> 'orders' ->> 'updatedAt' as cursor,
              (select count(*)::int from unified_order o
                where o.connection_id = c.id and o.source_updated_at = (c.cursors -> 'orders' ->> 'updatedAt')::timestamptz)
                as sharing
         from marketplace_connection c where c.user_id = $1 and c.marketplace = 'shopify'`,
      [seller],
    );
    // the run stopped with its cursor on the instant the changes share, some of them stored
    expect(new Date(rows[0]?.cursor as string).getTime()).toBe(world.clockMs);
    expect(rows[0]?.sharing).toBeGreaterThan(0);
    expect(rows[0]?.sharing).toBeLessThan(300);

    faults.clear();
    const third = await h.sync(seller, 'shopify');
    expect(third.connections[0]?.status, third.connections[0]?.error).toBe('succeeded');
    await expectMatchesTruth(h.pool, seller, started.base, 'shopify');
  });
});

/**
 * RELIABILITY W7: seller A asks while seller B's sync writes, in one process on one
 * pool. B's shop is A's twin (same order ids, same SKUs) changed at the source, so any
 * row crossing over would change A's figures. A's answers stay A's, page after page of
 * B's writes, and B's sync writes only B's rows.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { SANDBOX_START, sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, useSyncHarness } from '../support/sync-harness.ts';
import { toolsFor } from '../support/tools.ts';

describe('one seller’s questions while another seller syncs', () => {
  const harness = useSyncHarness();
  const sandboxes: Sandbox[] = [];
  afterAll(async () => {
    for (const s of sandboxes) await s.close();
  });

  it('W7: A’s answers read only A’s rows throughout B’s sync of a twin shop; B’s sync writes only B’s rows', async () => {
    const h = await harness();
    // page by page: B's writes come in many commits
    h.deps.tuning = { ...h.deps.tuning, bulkThreshold: 100_000 };
    const mine = await startSandbox({ seed: 23, sellers: 1, ordersPerStore: 800 });
    const twin = await startSandbox({ seed: 23, sellers: 1, ordersPerStore: 800 });
    sandboxes.push(mine.sandbox, twin.sandbox);
    const a = await h.connect(mine.base, '1');
    expect((await h.sync(a, 'shopify')).connections[0]?.status).toBe('succeeded');
    await sandboxAdmin(twin.base, 'mutate', { count: 300, advanceMs: 3_600_000, stores: ['s1-shopify'] });
    const b = await h.connect(twin.base, '1');

    const scope = (await loadSellerScope(h.pool, a)) as SellerScope;
    const now = new Date(SANDBOX_START);
    const tools = toolsFor(h.pool, scope, now);
    const ask = async () => {
      const answers: string[] = [];
      for (const [name, input] of [
        ['sales_summary', { period: { kind: 'named', name: 'last_month' }, by: 'marketplace' }],
        ['top_products', { period: { kind: 'named', name: 'last_month' }, limit: 20 }],
      ] as const) {
        const result = await tools.find((t) => t.name === name)?.run(input);
        expect(result?.ok, result?.content).toBe(true);
        answers.push(result?.content ?? '');
      }
      return answers;
    };
    const bRows = async () =>
      (await h.pool.query<{ n: number }>('select count(*)::int as n from unified_order where user_id = $1', [b]))
        .rows[0]?.n ?? 0;
    const before = await ask();

    let done = false;
    const syncing = h.sync(b, 'shopify').finally(() => {
      done = true;
    });
    const midway: number[] = [];
    while (!done) {
      expect(await ask()).toEqual(before);
      midway.push(await bRows());
    }
    expect((await syncing).connections[0]?.status).toBe('succeeded');
    // A asked while B's sync had written some of its rows, not all
    const total = await bRows();
    expect(midway.some((n) => n > 0 && n < total)).toBe(true);

    expect(await ask()).toEqual(before);
    await expectMatchesTruth(h.pool, a, mine.base, 'shopify');
    await expectMatchesTruth(h.pool, b, twin.base, 'shopify');
  });
});

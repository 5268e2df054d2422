/**
 * RELIABILITY F3: `shopiq sync` killed (SIGKILL) in the middle of a backfill, again and
 * again (up to three times, each at a random moment after one more page committed).
 * Each next run (on the same machine, which takes the dead process's lease over at
 * once) resumes from the committed cursor, which never moves back; the last one loses
 * and duplicates nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Marketplace } from '../../src/db/enums.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { CLI, cliEnv } from '../support/cli.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

// enough orders that the run is still going after its first page commits
const CASES: { marketplace: Marketplace; orders: number }[] = [
  { marketplace: 'shopify', orders: 20_000 },
  { marketplace: 'flipkart', orders: 3_000 },
  // pages of 1,000 orders cut from 28-day reports: several pages a report
  { marketplace: 'amazon', orders: 20_000 },
];

describe.each(CASES)('a $marketplace sync process killed mid-backfill', ({ marketplace, orders: ORDERS }) => {
  const harness = useSyncHarness();
  let sandbox: Sandbox | undefined;
  afterAll(async () => {
    await sandbox?.close();
  });

  it('F3: killed repeatedly at random pages, loses and duplicates nothing, and its cursor never moves back', async () => {
    const h = await harness();
    const started = await startSandbox({ seed: 13, sellers: 1, ordersPerStore: ORDERS });
    sandbox = started.sandbox;
    const seller = await h.connect(started.base, '1');
    const { rows } = await h.pool.query<{ id: string }>(
      'select id from marketplace_connection where user_id = $1 and marketplace = $2',
      [seller, marketplace],
    );
    const connectionId = rows[0]?.id as string;
    const count = async () =>
      (
        await h.pool.query<{ n: number }>('select count(*)::int as n from unified_order where connection_id = $1', [
          connectionId,
        ])
      ).rows[0]?.n ?? 0;

    const cursor = async (): Promise<string | undefined> =>
      (await h.pool.query('select cursors from marketplace_connection where id = $1', [connectionId])).rows[0].cursors
        ?.orders?.updatedAt;

    /** Starts `shopiq sync` and SIGKILLs it once a page past `after` orders has committed, a random moment later. */
    const syncKilledAfter = async (after: number): Promise<{ killed: boolean }> => {
      const child = spawn(process.execPath, [CLI, 'sync', '--seller', seller, '--marketplace', marketplace], {
        env: cliEnv({
          DATABASE_URL: h.db.url,
          ENCRYPTION_KEYS: TEST_KEY,
          SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-kill-')),
          FLIPKART_MAX_REQUESTS_PER_S: '1000',
        }),
        stdio: 'ignore',
      });
      let done = false;
      const exited = new Promise((resolve) =>
        child.on('close', (code) => {
          done = true;
          resolve(code);
        }),
      );
      const deadline = Date.now() + 60_000;
      while (!done && Date.now() < deadline && (await count()) <= after) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // at a random point of the next page (or between pages)
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 150)));
      const killed = !done;
      child.kill('SIGKILL');
      await exited;
      return { killed };
    };

    // killed again and again, each time after more pages have committed: nothing is lost
    // or written twice, and the cursor never moves back
    let atKill = 0;
    let lastCursor: string | undefined;
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const { killed } = await syncKilledAfter(atKill);
      const now = await count();
      expect(now).toBeGreaterThanOrEqual(atKill);
      const at = await cursor();
      expect(at).toBeDefined();
      if (lastCursor) expect(Date.parse(at as string)).toBeGreaterThanOrEqual(Date.parse(lastCursor));
      lastCursor = at;
      atKill = now;
      if (!killed) break;
      kills++;
    }
    // killed in the middle more than once: some pages committed, not all
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(atKill).toBeGreaterThan(0);

    // the dead process's lease has not lapsed, but its process is gone: taken over at once
    const resumed = await h.sync(seller, marketplace);
    expect(resumed.busy).toBe(false);
    expect(resumed.connections[0]?.status, resumed.connections[0]?.error).toBe('succeeded');
    // it resumed from the committed cursor rather than starting over
    expect(resumed.connections[0]?.ordersUpserted).toBeLessThan(ORDERS);
    expect(Date.parse((await cursor()) as string)).toBeGreaterThanOrEqual(Date.parse(lastCursor as string));
    await expectMatchesTruth(h.pool, seller, started.base, marketplace);
    const truth = await json(fetch(`${started.base}/_sandbox/truth`));
    expect(await count()).toBe(truth.totals.find((t: { store: string }) => t.store === `s1-${marketplace}`).orders);
  }, 180_000); // up to four runs over 20,000 orders on a busy 2-core machine
});

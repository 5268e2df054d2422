/**
 * RELIABILITY F3: `shopiq sync` killed (SIGKILL) in the middle of a backfill. The next
 * run (a sync on the same machine, which takes the dead process's lease over at once)
 * loses and duplicates nothing.
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

  it('loses and duplicates nothing on the next run', async () => {
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

    const child = spawn(process.execPath, [CLI, 'sync', '--seller', seller, '--marketplace', marketplace], {
      env: cliEnv({
        DATABASE_URL: h.db.url,
        ENCRYPTION_KEYS: TEST_KEY,
        SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-kill-')),
        FLIPKART_MAX_REQUESTS_PER_S: '1000',
      }),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    let atKill = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && atKill === 0) {
      atKill = await count();
      if (atKill === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await exited;
    atKill = await count();
    // killed in the middle: some pages committed, not all
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(ORDERS);
    const cursorAtKill = (
      await h.pool.query('select cursors from marketplace_connection where id = $1', [connectionId])
    ).rows[0].cursors.orders;
    expect(cursorAtKill.updatedAt).toBeDefined();

    // the dead process's lease has not lapsed, but its process is gone: taken over at once
    const resumed = await h.sync(seller, marketplace);
    expect(resumed.busy).toBe(false);
    expect(resumed.connections[0]?.status, resumed.connections[0]?.error).toBe('succeeded');
    // it resumed from the committed cursor rather than starting over
    expect(resumed.connections[0]?.ordersUpserted).toBeLessThan(ORDERS);
    await expectMatchesTruth(h.pool, seller, started.base, marketplace);
    const truth = await json(fetch(`${started.base}/_sandbox/truth`));
    expect(await count()).toBe(truth.totals.find((t: { store: string }) => t.store === `s1-${marketplace}`).orders);
  }, 120_000); // a 20,000-order resync on a busy 2-core machine
});

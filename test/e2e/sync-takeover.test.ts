/**
 * Issue 17: a `shopiq sync` killed with SIGKILL (or by the OOM killer) must not keep its
 * seller from syncing for the lease's lifetime. A sync on the same machine sees that the
 * holder's process is gone and takes the lease over at once; a holder that is alive, or
 * on another machine, keeps the seller, and the message says when its lease lapses.
 */

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { CLI, cliEnv, runCli } from '../support/cli.ts';
import { startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

const ORDERS = 20_000;

describe('a sync whose holder is gone or busy', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let sandbox: Sandbox | undefined;
  let base: string;
  let seller: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await harness();
    const started = await startSandbox({ seed: 17, sellers: 1, ordersPerStore: ORDERS });
    sandbox = started.sandbox;
    base = started.base;
    seller = await h.connect(base, '1');
    env = {
      DATABASE_URL: h.db.url,
      ENCRYPTION_KEYS: TEST_KEY,
      SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-takeover-')),
    };
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const orderCount = async () =>
    (
      await h.pool.query<{ n: number }>(
        `select count(*)::int as n from unified_order o join marketplace_connection c on c.id = o.connection_id
          where c.user_id = $1 and c.marketplace = 'shopify'`,
        [seller],
      )
    ).rows[0]?.n ?? 0;

  const holdLease = async (holder: string, expiresInS: number) => {
    const { rows } = await h.pool.query<{ expires_at: Date }>(
      `insert into sync_lease (user_id, holder, version, expires_at, acquired_at)
       values ($1, $2, 1, now() + $3 * interval '1 second', now() - interval '2 minutes')
       on conflict (user_id) do update set holder = excluded.holder, version = sync_lease.version + 1,
              expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
       returning expires_at`,
      [seller, holder, expiresInS],
    );
    return rows[0]?.expires_at as Date;
  };
  const utcTime = (at: Date) => `${at.toISOString().slice(11, 19)} UTC`;

  it('takes over at once from a `shopiq sync` killed mid-run on this machine, and succeeds', async () => {
    const child = spawn(process.execPath, [CLI, 'sync', '--seller', seller, '--marketplace', 'shopify'], {
      env: cliEnv(env),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await orderCount()) === 0) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    const atKill = await orderCount();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(ORDERS);
    // the killed process still holds a lease that has minutes (or tens of seconds) to run
    const { rows } = await h.pool.query<{ holder: string; left_s: number }>(
      'select holder, extract(epoch from expires_at - now())::float as left_s from sync_lease where user_id = $1',
      [seller],
    );
    expect(rows[0]?.holder).toContain(`:${child.pid}:`);
    expect(rows[0]?.left_s).toBeGreaterThan(5);

    const result = await runCli(['sync', '--seller', seller, '--marketplace', 'shopify'], env);
    expect(result.stdout).not.toContain('already running');
    expect(result.stdout).toContain(`the last sync (process ${child.pid} on this machine) is gone`);
    expect(result.stdout).toMatch(/shopify succeeded/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await expectMatchesTruth(h.pool, seller, base, 'shopify');
  }, 120_000);

  it('says when the lease lapses while a live holder on this machine keeps the seller', async () => {
    // this test process is alive: its lease is not taken
    const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
    const expires = await holdLease(holder, 50);
    const result = await runCli(['sync', '--seller', seller, '--marketplace', 'shopify'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('a sync is already running');
    expect(result.stdout).toContain(`its lease lapses at ${utcTime(expires)}`);
    expect((await h.pool.query('select holder from sync_lease where user_id = $1', [seller])).rows[0].holder).toBe(
      holder,
    );
  });

  it('says the last run stopped answering, and when its lease lapses, for a silent holder elsewhere', async () => {
    // renewed every third of its lifetime, a live holder never has this little left
    const expires = await holdLease(`worker-7.elsewhere:4242:${randomUUID()}`, 12);
    const result = await runCli(['sync', '--seller', seller, '--marketplace', 'shopify'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('stopped answering');
    expect(result.stdout).toContain('worker-7.elsewhere');
    expect(result.stdout).toContain(`its lease lapses at ${utcTime(expires)}`);
  });
});

/**
 * A marketplace in an outage (the sandbox answers 5xx): after one failed sync, a
 * question is answered at once from the last good sync, says why, and asks for no
 * sync that would fail the same way; once the cool-down is over, a question tries again.
 * A sync asked for from chat for the other marketplaces spares the one that is down.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { ConversationEngine } from '../../src/conversation/conversation-engine.ts';
import { closePool } from '../../src/db/pool.ts';
import { JOB } from '../../src/jobs/job-names.ts';
import { JOBS_TABLE } from '../../src/jobs/job-store.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { syncSeller } from '../../src/sync/sync-manager.ts';
import { JOB_STORES, jobConfig, openScheduler } from '../support/job-harness.ts';
import { sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';

const [postgresStore] = JOB_STORES;
const WAIT_MS = 4000;

describe('questions during a marketplace outage', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let sandbox: Sandbox;
  let scheduler: Scheduler;
  let userId: string;
  let base: string;
  const log = createLogger({ logLevel: 'silent' });

  beforeAll(async () => {
    h = await harness();
    const started = await startSandbox({ ordersPerStore: 40, sellers: 2 });
    sandbox = started.sandbox;
    base = started.base;
    userId = await h.connect(base, '1');
    const good = await h.sync(userId);
    expect(good.connections.map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // Amazon goes down; its data is old by now
    await sandboxAdmin(started.base, 'faults', { spec: 'amazon:5xx=1' }, 'PUT');
    await h.pool.query(
      `update marketplace_connection set last_sync_at = now() - interval '2 days' where user_id = $1 and marketplace = 'amazon'`,
      [userId],
    );
    const failed = await h.sync(userId, 'amazon');
    expect(failed.connections[0]).toMatchObject({ status: 'failed', failureKind: 'temporary' });
    // a job store with no worker: a sync asked for now would only end with the wait
    scheduler = await openScheduler(jobConfig(h.db, postgresStore as (typeof JOB_STORES)[number]), h.pool);
    await scheduler.listen();
  });
  afterAll(async () => {
    await scheduler?.stop(0);
    await sandbox?.close();
  });

  const engine = (clock?: () => Date, waitMs = WAIT_MS) =>
    new ConversationEngine({
      db: h.pool,
      config: {
        conversation: { ...h.deps.config.conversation, freshnessWaitMs: waitMs, outageCooldownMs: 15 * 60_000 },
      },
      log,
      llm: undefined,
      syncs: scheduler,
      ...(clock ? { clock } : {}),
    });
  const ask = (e: ConversationEngine, text: string) =>
    e.handle({ userId, channel: 'terminal', conversationId: 'outage', text });
  const queued = async (name: string) =>
    (await h.pool.query(`select count(*)::int as n from ${JOBS_TABLE} where name = $1`, [name])).rows[0].n as number;

  it('answers at once from the last good sync, says why, and requests no doomed sync', async () => {
    const started = Date.now();
    const reply = await ask(engine(), 'What were my total sales last month?');
    // a behavioural check that it did not wait for a sync, not a timing goal
    expect(Date.now() - started).toBeLessThan(WAIT_MS / 2);
    expect(reply.text).toMatch(/Sales last month/);
    expect(reply.text).toMatch(/Amazon as of \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(reply.text).toMatch(
      /Amazon is not answering properly since \d{4}-\d\d-\d\d \d\d:\d\d \([^)]+\): its figures are from its last good sync\./,
    );
    expect(await queued(JOB.syncSellerNow)).toBe(0);
    // `status` says so too
    expect((await ask(engine(), 'status')).text).toMatch(/- amazon .*: connected, .*not answering properly since/);
  });

  it('once the cool-down is over, a question asks for one sync again', async () => {
    const later = () => new Date(Date.now() + 16 * 60_000);
    const reply = await ask(engine(later, 100), 'What were my total sales last month?');
    expect(reply.text).toMatch(/Your data is being refreshed/);
    expect(await queued(JOB.syncSellerNow)).toBe(1);
  });

  it('a sync asked for from chat refreshes the other marketplaces and spares the one that is down', async () => {
    const jobs = jobConfig(h.db, postgresStore as (typeof JOB_STORES)[number]);
    const workerPool = new pg.Pool({ connectionString: h.db.url, max: 8 });
    // the service's own retries and backoff: a sync of the marketplace that is down would take long
    const worker = await openScheduler(jobs, workerPool);
    try {
      await worker.work(
        { ...h.deps, tuning: undefined, pool: workerPool, config: jobs },
        createChatNotifier({ ...h.deps, db: workerPool }),
      );
      await h.pool.query(
        `update marketplace_connection set last_sync_at = now() - interval '2 days' where user_id = $1 and marketplace = 'shopify'`,
        [userId],
      );
      const amazonRuns = `select count(*)::int as n from sync_run where user_id = $1 and marketplace = 'amazon'`;
      const before = (await h.pool.query(amazonRuns, [userId])).rows[0].n;
      const started = Date.now();
      const reply = await ask(engine(undefined, 20_000), 'What were my total sales last month?');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(reply.text).not.toMatch(/Your data is being refreshed/);
      expect(reply.text).toMatch(/Amazon is not answering properly since/);
      const shopify = await h.pool.query(
        `select status, trigger from sync_run where user_id = $1 and marketplace = 'shopify' order by started_at desc limit 1`,
        [userId],
      );
      expect(shopify.rows).toEqual([{ status: 'succeeded', trigger: 'on_demand' }]);
      expect((await h.pool.query(amazonRuns, [userId])).rows[0].n).toBe(before);
    } finally {
      await worker.stop(0);
      await closePool(workerPool);
    }
  }, 60_000);

  it('a sync asked for from chat still reads connections that never synced', async () => {
    await fetch(`${base}/_sandbox/faults`, { method: 'DELETE' }); // Amazon is back, for a new seller to connect
    const other = await h.connect(base, '2');
    const result = await syncSeller(h.deps, other, { trigger: 'on_demand', spareFailingForMs: 15 * 60_000 });
    expect(result.connections.map((c) => c.marketplace)).toEqual(['amazon', 'flipkart', 'shopify']);
  });
});

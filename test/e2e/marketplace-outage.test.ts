/**
 * A marketplace in an outage (the sandbox answers 5xx): after one failed sync, a
 * question is answered at once from the last good sync, says why, and asks for no
 * sync that would fail the same way; once the cool-down is over, a question tries again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../src/conversation/conversation-engine.ts';
import { JOB } from '../../src/jobs/job-names.ts';
import { JOBS_TABLE } from '../../src/jobs/job-store.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
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
  const log = createLogger({ logLevel: 'silent' });

  beforeAll(async () => {
    h = await harness();
    const started = await startSandbox({ ordersPerStore: 40, sellers: 1 });
    sandbox = started.sandbox;
    userId = await h.connect(started.base, '1');
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
});

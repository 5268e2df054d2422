/**
 * Syncs run as jobs against the sandbox: on-demand requests join, recurring jobs run
 * the seller's sync and move to their next local run, the external-cron endpoint, and
 * a worker killed in the middle of a job whose work another worker takes over.
 */

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { MARKETPLACES } from '../../src/db/enums.ts';
import { closePool } from '../../src/db/pool.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { localTime } from '../../src/time/local-time.ts';
import { runCli, startService } from '../support/cli.ts';
import { itOnStore, JOB_STORES, jobConfig, openScheduler } from '../support/job-harness.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

const SECRET = 'cron-secret-of-the-tests-0123456789';

describe.each(JOB_STORES)('sync jobs on the $name job store', (store) => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let sandbox: Sandbox;
  let base: string;
  /** Enqueues and hears completions; runs nothing. */
  let client: Scheduler;
  const workers: Scheduler[] = [];
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    if (store.skip) return;
    h = await harness();
    ({ sandbox, base } = await startSandbox({ seed: 21, sellers: 3, ordersPerStore: 300 }));
    client = await openScheduler(jobConfig(h.db, store), h.pool);
    await client.listen();
  });
  afterAll(async () => {
    for (const w of workers) await w.stop(0);
    await client?.stop(0);
    for (const p of pools) await closePool(p);
    await sandbox?.close();
  });

  /** A worker in this process, with a short lock lifetime. */
  async function worker(): Promise<Scheduler> {
    const config = jobConfig(h.db, store, { JOB_LOCK_LIFETIME_MS: '2000' });
    const pool = new pg.Pool({ connectionString: h.db.url, max: 16 });
    pools.push(pool);
    const w = await openScheduler(config, pool);
    workers.push(w);
    await w.work({ ...h.deps, pool, config }, createChatNotifier({ ...h.deps, db: pool }));
    return w;
  }
  const runs = async (userId: string) =>
    (
      await h.pool.query<{ marketplace: string; trigger: string; status: string; orders: number }>(
        `select marketplace, trigger, status, orders_upserted as orders from sync_run where user_id = $1
          order by started_at, marketplace`,
        [userId],
      )
    ).rows;
  /** Runs a job now (a worker must be running) and waits until it has finished; undefined if it did not in 30 s. */
  async function runNow(name: string): Promise<Date | undefined> {
    const job = await client.agenda.now(name);
    const deadline = Date.now() + 30_000;
    let finished: Date | undefined;
    while (!finished && Date.now() < deadline) {
      finished = (await client.agenda.queryJobs({ id: String(job.attrs._id) })).jobs[0]?.lastFinishedAt ?? undefined;
      if (!finished) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return finished;
  }
  /** What a child process needs to use this store (its MongoDB database, if any). */
  const storeEnv = (): Record<string, string> => {
    const url = jobConfig(h.db, store).mongodbUrl;
    return url ? { MONGODB_URL: url } : {};
  };

  itOnStore(store)(`two on-demand requests for one seller give one sync`, async () => {
    const seller = await h.connect(base, '1');
    // no worker yet: the first request queues, the second (and a concurrent third) join it
    const [first, second, third] = await Promise.all([
      client.requestSync(seller),
      client.requestSync(seller),
      client.requestSync(seller),
    ]);
    expect([first, second, third].filter((r) => !r?.joined)).toHaveLength(1);
    expect(new Set([first?.jobId, second?.jobId, third?.jobId]).size).toBe(1);
    expect(await client.waitForSync(first, 200)).toBe('timeout');

    await worker();
    expect(await client.waitForSync(second, 60_000)).toBe('finished');
    const done = await runs(seller);
    expect(done.map((r) => [r.marketplace, r.trigger, r.status])).toEqual(
      [...MARKETPLACES].sort().map((m) => [m, 'on_demand', 'succeeded']),
    );
    for (const m of MARKETPLACES) await expectMatchesTruth(h.pool, seller, base, m);

    // once it has finished, a new request runs a new sync (a delta: nothing new to write)
    const again = await client.requestSync(seller);
    expect(again.joined).toBe(false);
    expect(await client.waitForSync(again, 60_000)).toBe('finished');
    expect(await runs(seller)).toHaveLength(6);
  });

  itOnStore(store)('refresh-fx-rates adds the days missing and converts the amounts that waited for them', async () => {
    const [seller] = (await h.pool.query<{ id: string }>('select id from "user" order by created_at limit 1')).rows;
    const waiting = (
      await h.pool.query<{ id: string; usd: string }>(
        `update unified_order o set total_amount_usd = null, fx_flag = 'RATE_MISSING'
           from unified_order b where o.id = b.id and o.user_id = $1 and o.currency <> 'USD'
            and o.ordered_at >= '2026-10-20'
         returning o.id, b.total_amount_usd::text as usd`,
        [seller?.id],
      )
    ).rows;
    expect(waiting.length).toBeGreaterThan(0);
    await h.pool.query(`delete from fx_rate where rate_date >= '2026-10-20'`);

    expect(await runNow('refresh-fx-rates')).toBeDefined();
    // the sandbox's clock stands at 2026-11-01 (a Sunday): its last business day is the 30th
    const { rows } = await h.pool.query<{ last: string }>(`select max(rate_date)::text as last from fx_rate`);
    expect(rows[0]?.last).toBe('2026-10-30');
    const after = await h.pool.query<{ id: string; usd: string; flag: string | null }>(
      `select id, total_amount_usd::text as usd, fx_flag as flag from unified_order where id = any($1)`,
      [waiting.map((w) => w.id)],
    );
    expect(after.rows.every((r) => r.flag === null)).toBe(true);
    expect(new Map(after.rows.map((r) => [r.id, r.usd]))).toEqual(new Map(waiting.map((w) => [w.id, w.usd])));
  });

  itOnStore(store)(
    'purge drops chat turns past their retention, delivery ids past any retry, spent link codes, expired chat images, old token counts, old digests and alerts that cannot recur, and keeps recent ones and open lasting alerts',
    async () => {
      const [seller] = (await h.pool.query<{ id: string }>('select id from "user" order by created_at limit 1')).rows;
      await h.pool.query(
        `insert into processed_event (source, event_id, received_at)
       values ('slack', 'EvOLD', now() - interval '8 days'), ('slack', 'EvNEW', now() - interval '1 hour')`,
      );
      await h.pool.query(
        `insert into link_code (user_id, selector, code_hash, expires_at, created_at)
       values ($1, 'CDF', 'spent-long-ago', now() - interval '2 days', now() - interval '2 days'),
              ($1, 'HJK', 'live', now() + interval '5 minutes', now())`,
        [seller?.id],
      );
      await h.pool.query(
        `insert into chat_media (id, content_type, bytes, created_at, expires_at)
       values ('expired-chart', 'image/png', $1, now() - interval '25 hours', now() - interval '1 hour'),
              ('live-chart', 'image/png', $1, now(), now() + interval '1 day')`,
        [Buffer.from([0x89, 0x50, 0x4e, 0x47])],
      );
      await h.pool.query(
        `insert into oauth_state (ticket_hash, user_id, marketplace, channel, conversation_id, chat_identity, created_at,
                                  expires_at)
         values ('link-long-gone', $1, 'shopify', 'slack', 'D1', 'T1:U1', now() - interval '2 days', now() - interval '2 days'),
                ('link-live', $1, 'shopify', 'slack', 'D1', 'T1:U1', now(), now() + interval '10 minutes')`,
        [seller?.id],
      );
      await h.pool.query(
        `insert into chat_message (user_id, channel, conversation_id, role, content, created_at)
         values ($1, 'slack', 'D1', 'user', 'from last spring', now() - interval '91 days'),
                ($1, 'slack', 'D1', 'user', 'from last month', now() - interval '30 days')`,
        [seller?.id],
      );
      await h.pool.query(
        `insert into token_budget (user_id, day, used, reserved, updated_at)
         values ($1, current_date - 30, 5000, 0, now()), ($1, current_date, 700, 0, now())`,
        [seller?.id],
      );
      await h.pool.query(
        `insert into digest_delivery (user_id, local_date, kind, state)
         values ($1, current_date - 40, 'daily', 'sent'), ($1, current_date - 2, 'daily', 'sent')`,
        [seller?.id],
      );
      await h.pool.query(
        `insert into seller_alert (user_id, kind, dedupe_key, facts, created_at, cleared_at)
         values ($1, 'sales_drop', 'old-drop', '{}', now() - interval '200 days', null),
                ($1, 'stock_low', 'old-open-stock', '{}', now() - interval '200 days', null),
                ($1, 'stock_low', 'old-cleared-stock', '{}', now() - interval '200 days', now() - interval '190 days'),
                ($1, 'sales_drop', 'recent-drop', '{}', now() - interval '2 days', null)`,
        [seller?.id],
      );
      expect(await runNow('purge')).toBeDefined();
      const digests = await h.pool.query(
        `select (current_date - local_date)::int as age from digest_delivery
          where user_id = $1 and local_date in (current_date - 40, current_date - 2) order by 1`,
        [seller?.id],
      );
      expect(digests.rows).toEqual([{ age: 2 }]);
      const alerts = await h.pool.query(
        `select dedupe_key from seller_alert where user_id = $1 and dedupe_key in
           ('old-drop', 'old-open-stock', 'old-cleared-stock', 'recent-drop') order by 1`,
        [seller?.id],
      );
      expect(alerts.rows.map((r) => r.dedupe_key)).toEqual(['old-open-stock', 'recent-drop']);
      const turns = await h.pool.query(
        `select content from chat_message where conversation_id = 'D1' and user_id = $1`,
        [seller?.id],
      );
      expect(turns.rows.map((r) => r.content)).toEqual(['from last month']);
      const budgets = await h.pool.query('select used::int from token_budget where user_id = $1', [seller?.id]);
      expect(budgets.rows).toEqual([{ used: 700 }]);
      const events = await h.pool.query(`select event_id from processed_event where event_id in ('EvOLD', 'EvNEW')`);
      expect(events.rows.map((r) => r.event_id)).toEqual(['EvNEW']);
      const codes = await h.pool.query('select code_hash from link_code where user_id = $1', [seller?.id]);
      expect(codes.rows.map((r) => r.code_hash)).toEqual(['live']);
      const media = await h.pool.query(`select id from chat_media where id in ('expired-chart', 'live-chart')`);
      expect(media.rows.map((r) => r.id)).toEqual(['live-chart']);
      const states = await h.pool.query(`select ticket_hash from oauth_state where user_id = $1`, [seller?.id]);
      expect(states.rows.map((r) => r.ticket_hash)).toEqual(['link-live']);
    },
  );

  itOnStore(store)('a recurring job that is due runs the sync and moves to the next 02:mm or 14:mm local', async () => {
    const seller = await h.connect(base, '2');
    await h.pool.query(`update "user" set timezone = 'Asia/Kolkata' where id = $1`, [seller]);
    // scheduled as of 13 hours ago: its next run (02:mm or 14:mm IST) is already due
    const past = await openScheduler(jobConfig(h.db, store), h.pool, {
      clock: () => new Date(Date.now() - 13 * 3_600_000),
    });
    await past.scheduleSeller(seller);
    await past.stop(0);
    const due = (await client.scheduledSyncs()).find((s) => s.userId === seller);
    expect(due?.nextRunAt?.getTime()).toBeLessThan(Date.now());

    if (workers.length === 0) await worker();
    const deadline = Date.now() + 60_000;
    while ((await runs(seller)).filter((r) => r.status !== 'running').length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await runs(seller)).map((r) => [r.marketplace, r.trigger, r.status])).toEqual(
      [...MARKETPLACES].sort().map((m) => [m, 'scheduled', 'succeeded']),
    );
    let next: Date | undefined;
    while (Date.now() < deadline) {
      next = (await client.scheduledSyncs()).find((s) => s.userId === seller)?.nextRunAt;
      if (next && next.getTime() > Date.now()) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const minute = (due?.cron ?? '').split(' ')[0]?.padStart(2, '0');
    expect(localTime(next as Date, 'Asia/Kolkata')).toMatch(new RegExp(` (02|14):${minute} \\(Asia/Kolkata\\)$`));
    expect((next as Date).getTime() - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);

    // `shopiq status` tells the operator the same, in the seller's time, with the last runs
    const env = { DATABASE_URL: h.db.url, ENCRYPTION_KEYS: TEST_KEY, ...storeEnv() };
    const status = await runCli(['status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.sellerSyncs.find((x: { userId: string }) => x.userId === seller)).toMatchObject({
      timezone: 'Asia/Kolkata',
      tier: 'twice_daily',
      schedule: `at 02:${minute} and 14:${minute} Asia/Kolkata time`,
      nextSyncAt: (next as Date).toISOString(),
      nextSyncLocal: localTime(next as Date, 'Asia/Kolkata'),
    });
    const mine = report.lastSyncRuns.filter((r: { userId: string }) => r.userId === seller);
    expect(mine.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const text = await runCli(['status'], env);
    expect(text.stdout).toContain(`${seller}: next sync ${localTime(next as Date, 'Asia/Kolkata')}`);
  });

  describe('the external-cron endpoint', () => {
    let app: App;
    beforeAll(async () => {
      if (store.skip) return;
      app = createApp(jobConfig(h.db, store, { CRON_SECRET: SECRET }), { role: 'web' });
      await app.start();
    });
    afterAll(async () => {
      await app?.stop();
    });
    const post = (authorization?: string) =>
      fetch(`${app.url}/api/cron/sync`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });

    itOnStore(store)(
      'rejects a missing or wrong secret and enqueues one sync per seller with the right one',
      async () => {
        for (const w of workers.splice(0)) await w.stop(0); // nothing runs the jobs: they stay queued
        const sellers = (await h.pool.query<{ id: string }>('select id from "user"')).rows.length;
        const none = await post();
        expect(none.status).toBe(401);
        expect(await none.json()).toEqual({ error: 'unauthorized' });
        expect((await post(`Bearer ${SECRET}x`)).status).toBe(401);
        expect((await post(`Basic ${SECRET}`)).status).toBe(401);
        const queuedBefore = (await client.agenda.queryJobs({ name: 'sync-seller-now', state: 'queued' })).total;
        expect(queuedBefore).toBe(0);

        const ok = await post(`Bearer ${SECRET}`);
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({ sellers, enqueued: sellers, joined: 0 });
        const queued = await client.agenda.queryJobs({ name: 'sync-seller-now', state: 'queued' });
        expect(queued.total).toBe(sellers);
        expect(new Set(queued.jobs.map((j) => (j.data as { userId: string }).userId)).size).toBe(sellers);
        expect(queued.jobs.every((j) => (j.data as { trigger: string }).trigger === 'cron')).toBe(true);
        // asked again before they ran: the same jobs, joined
        expect(await json(post(`Bearer ${SECRET}`))).toEqual({ sellers, enqueued: 0, joined: sellers });
      },
    );
  });

  /** The seller's stored orders. */
  const ordersOf = async (userId: string) =>
    (await h.pool.query<{ n: number }>('select count(*)::int as n from unified_order where user_id = $1', [userId]))
      .rows[0]?.n ?? 0;

  itOnStore(store)(
    'a worker killed mid-sync: another takes the job over and loses or duplicates nothing',
    async () => {
      const big = await startSandbox({ seed: 33, sellers: 1, ordersPerStore: 6000 });
      try {
        const seller = await h.connect(big.base, '1');
        const orders = () => ordersOf(seller);
        const dying = await startService(
          {
            DATABASE_URL: h.db.url,
            ENCRYPTION_KEYS: TEST_KEY,
            SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-worker-')),
            JOB_LOCK_LIFETIME_MS: '2000',
            FLIPKART_MAX_REQUESTS_PER_S: '1000',
            CRON_SECRET: SECRET,
            ...storeEnv(),
          },
          undefined,
          60_000,
          ['--role', 'worker'],
        );
        // a worker answers its health probes, and serves nothing else
        expect((await fetch(`${dying.url}/readyz`)).status).toBe(200);
        const cron = await fetch(`${dying.url}/api/cron/sync`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SECRET}` },
        });
        expect(cron.status).toBe(404);
        const request = await client.requestSync(seller);
        const deadline = Date.now() + 60_000;
        while ((await orders()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        dying.child.kill('SIGKILL');
        await dying.exited;
        const atKill = await orders();
        expect(atKill).toBeGreaterThan(0);
        expect(atKill).toBeLessThan(3 * 6000);
        // the job is still locked by the dead worker: the request is not answered
        expect(await client.waitForSync(request, 100)).toBe('timeout');

        await worker();
        expect(await client.waitForSync(request, 90_000)).toBe('finished');
        for (const m of MARKETPLACES) await expectMatchesTruth(h.pool, seller, big.base, m);
        const truth = await json(fetch(`${big.base}/_sandbox/truth`));
        const total = truth.totals.reduce((n: number, t: { orders: number }) => n + t.orders, 0);
        expect(await orders()).toBe(total);
        // the takeover resumed from the saved cursors: it wrote less than everything
        const resumed = (await runs(seller)).filter((r) => r.status === 'succeeded');
        expect(resumed.map((r) => r.marketplace).sort()).toEqual([...MARKETPLACES].sort());
        expect(resumed.reduce((n, r) => n + r.orders, 0)).toBeLessThan(total);
      } finally {
        await big.sandbox.close();
      }
    },
    // a kill, a takeover and an 18,000-order resync: 12–15 s alone, past 90 s on a loaded 2-core
    // machine; the bound covers the worker's start (60 s) and the wait (90 s): correctness, not speed
    180_000,
  );

  itOnStore(store)(
    'a stopping worker waits for its job within the bound, then stops it; the job resumes later',
    async () => {
      const big = await startSandbox({ seed: 34, sellers: 1, ordersPerStore: 6000 });
      try {
        const seller = await h.connect(big.base, '1');
        const orders = () => ordersOf(seller);
        for (const w of workers.splice(0)) await w.stop(0);
        const stopping = await worker();
        const request = await client.requestSync(seller);
        const deadline = Date.now() + 60_000;
        while ((await orders()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const t = Date.now();
        await stopping.stop(300);
        // 300 ms to finish, then up to half that again for the syncs to stop at a page boundary
        expect(Date.now() - t).toBeLessThan(3000);
        expect(await orders()).toBeLessThan(3 * 6000);
        const runs = (
          await h.pool.query<{ error: string }>(`select error from sync_run where user_id = $1 and status = 'failed'`, [
            seller,
          ])
        ).rows;
        expect(runs.length).toBeGreaterThan(0);
        expect(runs.map((r) => r.error)).toEqual(runs.map(() => 'temporary: the service is stopping'));

        // the interrupted job is retried (after its 5 s backoff) by the next worker, from the saved cursors
        await worker();
        expect(await client.waitForSync(request, 60_000)).toBe('finished');
        for (const m of MARKETPLACES) await expectMatchesTruth(h.pool, seller, big.base, m);
      } finally {
        await big.sandbox.close();
      }
    },
    // a sync stopped and resumed: 13 s alone, more when the machine is loaded
    120_000,
  );
});

/**
 * ShopIQ's jobs on Agenda: every seller with a connected marketplace has one recurring
 * `sync-seller` job in its own timezone and tier; `sync-seller-now` runs a seller's sync
 * on demand, one queued-or-running job per seller (a second request joins the first);
 * `connect-backfill` runs a connection's first sync, told in the chat that connected it,
 * one job a connection; `seller-digest` prepares a seller's digest ahead of its time,
 * and every worker's digest sender delivers those due; `refresh-fx-rates` runs daily.
 *
 * Any process can schedule and request (`web`, CLI commands); a `worker` also runs the
 * jobs (`work`). Several workers share them through Agenda's locks; the seller's sync
 * lease (sync-lease.ts) keeps it to one sync per seller whichever job started it.
 */

import { backoffStrategies, type Job, type JobId } from 'agenda';
import type pg from 'pg';
import type { ChatAddress, ChatNotifier } from '../channels/chat-notifier.ts';
import type { Config } from '../config/config.ts';
import type { SyncTier } from '../db/enums.ts';
import { insightDeps } from '../insights/alerts.ts';
import { withLogContext } from '../logging/log-context.ts';
import type { Logger } from '../logging/logger.ts';
import type { SyncDeps } from '../sync/sync-connection.ts';
import { SYNC_LEASE_TTL_MS, SYNCABLE_STATUSES } from '../sync/sync-manager.ts';
import { BACKFILL_TIMING, type BackfillTiming } from './backfill-announcer.ts';
import { connectBackfillJob } from './backfill-job.ts';
import { sellerDigestJob } from './digest-job.ts';
import { DigestSender } from './digest-sender.ts';
import { refreshFxRatesJob } from './fx-job.ts';
import { type BackfillData, JOB, type OnDemandTrigger, type SyncNowData } from './job-names.ts';
import { isDuplicateJob, type JobStore } from './job-store.ts';
import { purgeJob } from './purge-job.ts';
import { syncSellerJob, syncSellerNowJob } from './sync-jobs.ts';
import { digestScheduleFor, type SyncSchedule, syncScheduleFor } from './sync-schedule.ts';

export interface SyncRequest {
  jobId: string;
  userId: string;
  /** A sync was already queued or running for this seller: this request rides on it. */
  joined: boolean;
  /** The job's last outcome when the request was made; the next one answers it. */
  seen: { finishedAt: number | undefined; failedAt: number | undefined };
}

export type SyncWaitResult = 'finished' | 'failed' | 'timeout';

export interface ScheduledSync extends SyncSchedule {
  userId: string;
  nextRunAt: Date | undefined;
  lastRunAt: Date | undefined;
}

export interface ScheduleCounts {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
}

export interface SchedulerOptions {
  config: Pick<Config, 'jobs' | 'shutdownTimeoutMs'>;
  pool: pg.Pool;
  log: Logger;
  /** The time schedules are computed from (tests step it across DST changes). */
  clock?: () => Date;
  /** How often a backfill's progress is shown (tests shorten it). */
  backfillTiming?: Partial<BackfillTiming>;
}

export interface BackfillRequest {
  jobId: string;
  /** The connection's backfill was already running: this request rides on it (told where it was asked). */
  joined: boolean;
}

/** How many sellers are scheduled or requested at once in bulk operations. */
const BULK_PARALLELISM = 8;
const FX_SCHEDULE = { cron: '30 16 * * *', timezone: 'Europe/Berlin' }; // after the ECB's ~16:00 CET publication
const PURGE_SCHEDULE = { cron: '45 3 * * *', timezone: 'UTC' };

export class Scheduler {
  readonly #store: JobStore;
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  readonly #config: SchedulerOptions['config'];
  readonly #clock: () => Date;
  readonly #backfillTiming: BackfillTiming;
  /** Handlers in flight in this process: stop() waits for them. */
  readonly #running = new Set<Promise<void>>();
  /** Aborted when stop() runs out of patience: syncs end at their next page boundary. */
  readonly #shutdown = new AbortController();
  #started = false;
  /** This worker's share of the digests due each minute (work() starts it). */
  #digestSender: DigestSender | undefined;

  constructor(store: JobStore, options: SchedulerOptions) {
    this.#store = store;
    this.#pool = options.pool;
    this.#log = options.log;
    this.#config = options.config;
    this.#clock = options.clock ?? (() => new Date());
    this.#backfillTiming = { ...BACKFILL_TIMING, ...options.backfillTiming };
  }

  get agenda() {
    return this.#store.agenda;
  }

  /** Web role and CLI: no jobs run here, but enqueued jobs wake the workers at once and their completions are heard. */
  async listen(): Promise<void> {
    await this.#start();
  }

  /** Worker role: runs the jobs, after bringing every seller's recurring job up to date. */
  async work(deps: SyncDeps, notifier: ChatNotifier): Promise<void> {
    const { agenda } = this.#store;
    const { lockLifetimeMs, syncConcurrency } = this.#config.jobs;
    const context = {
      // never longer than the job's lock: a job taken over from a dead worker finds the lease lapsed
      deps: { ...deps, leaseTtlMs: Math.min(lockLifetimeMs, SYNC_LEASE_TTL_MS) },
      scheduler: this,
      notifier,
      backfillTiming: this.#backfillTiming,
      signal: this.#shutdown.signal,
      log: this.#log,
    };
    const shared = { lockLifetime: lockLifetimeMs, concurrency: syncConcurrency, lockLimit: syncConcurrency };
    const onDemand = {
      ...shared,
      priority: 'high' as const,
      // a run stopped by a shutdown or a database outage is picked up again, here or elsewhere
      backoff: backoffStrategies.exponential({ delay: 5000, maxDelay: 5 * 60_000, maxRetries: 6 }),
    };
    agenda.define(JOB.syncSeller, this.#tracked(syncSellerJob(context)), shared);
    agenda.define(JOB.syncSellerNow, this.#tracked(syncSellerNowJob(context)), onDemand);
    agenda.define(JOB.connectBackfill, this.#tracked(connectBackfillJob(context)), onDemand);
    // digests due at one minute are many small jobs: more at once than syncs
    agenda.define(JOB.sellerDigest, this.#tracked(sellerDigestJob(context)), {
      lockLifetime: lockLifetimeMs,
      concurrency: 4 * syncConcurrency,
      lockLimit: 4 * syncConcurrency,
    });
    agenda.define(JOB.refreshFxRates, this.#tracked(refreshFxRatesJob(context)), {
      lockLifetime: lockLifetimeMs,
      concurrency: 1,
      lockLimit: 1,
      backoff: backoffStrategies.exponential({ delay: 60_000, maxRetries: 5 }),
    });
    agenda.define(JOB.purge, this.#tracked(purgeJob(context)), {
      lockLifetime: lockLifetimeMs,
      concurrency: 1,
      lockLimit: 1,
    });
    agenda.maxConcurrency(7 * syncConcurrency + 2);
    // a lane freed here is filled at once, not at the next scan: when thousands of digests
    // (or syncs) are due at one minute, the workers run them as fast as they end
    agenda.on('complete', (job: Job) => {
      this.#store.wake(job).catch((err: unknown) => this.#log.warn({ err }, 'could not wake the workers'));
    });
    const counts = await this.scheduleAll();
    await agenda.every(FX_SCHEDULE.cron, JOB.refreshFxRates, undefined, {
      timezone: FX_SCHEDULE.timezone,
      skipImmediate: true,
    });
    await agenda.cancel({ name: JOB.legacyPurge });
    await agenda.every(PURGE_SCHEDULE.cron, JOB.purge, undefined, {
      timezone: PURGE_SCHEDULE.timezone,
      skipImmediate: true,
    });
    await this.#start();
    this.#digestSender = new DigestSender(insightDeps({ pool: deps.pool, notifier, log: this.#log }, deps.config));
    this.#digestSender.start();
    this.#log.info({ ...counts, store: this.#store.kind }, 'job worker started');
  }

  /**
   * Stops taking jobs, lets running ones finish within `drainMs`, then asks the rest to
   * stop at their next page (their cursors are saved; they are picked up again).
   */
  async stop(drainMs = this.#config.shutdownTimeoutMs): Promise<void> {
    await this.#digestSender?.stop();
    this.#digestSender = undefined;
    if (this.#started) await this.#store.agenda.stop(false);
    this.#started = false;
    const running = [...this.#running];
    if (running.length > 0) {
      const settled = Promise.allSettled(running).then(() => true);
      if (!(await Promise.race([settled, delay(drainMs).then(() => false)]))) {
        this.#log.warn({ running: running.length }, 'jobs still running at shutdown: stopping them at their next page');
        this.#shutdown.abort(new Error('the service is stopping'));
        await Promise.race([settled, delay(Math.max(1000, drainMs / 2))]);
      }
    }
    await this.#store.close();
  }

  // ---------------------------------------------------------------- recurring syncs

  /**
   * Brings one seller's recurring jobs in line with the seller (see SELLER_RECURRING):
   * created when a first marketplace is connected, moved when the timezone, tier or
   * digest time changes, removed when no marketplace is connected any more (or the
   * digest is turned off). Returns the sync's schedule, if any.
   */
  async scheduleSeller(userId: string): Promise<SyncSchedule | undefined> {
    const [seller] = await this.#sellers([userId]);
    for (const recurring of SELLER_RECURRING) {
      const schedule = seller && recurring.scheduleOf(seller, this.#config.jobs);
      const [current] = (await this.#store.agenda.queryJobs({ name: recurring.name, data: { userId }, limit: 1 })).jobs;
      if (!schedule) {
        if (current) await this.#store.agenda.cancel({ id: current._id });
        continue;
      }
      // a run already due (not yet taken) stays due: rewriting it would move it to the next time
      const unchanged =
        current &&
        String(current.repeatInterval) === schedule.cron &&
        (current.repeatTimezone ?? 'UTC') === schedule.timezone;
      if (unchanged && current.nextRunAt && current.nextRunAt < this.#clock()) continue;
      await this.#saveRecurring(recurring.name, userId, schedule, current?._id ?? null);
    }
    return seller && SYNC_RECURRING.scheduleOf(seller, this.#config.jobs);
  }

  /** Every seller's recurring jobs at once (a worker does this when it starts): only what differs is written. */
  async scheduleAll(): Promise<ScheduleCounts> {
    const counts: ScheduleCounts = { created: 0, updated: 0, removed: 0, unchanged: 0 };
    const sellers = await this.#sellers();
    for (const recurring of SELLER_RECURRING) await this.#scheduleAllOf(recurring, sellers, counts);
    return counts;
  }

  async #scheduleAllOf(recurring: SellerRecurring, sellers: SellerRow[], counts: ScheduleCounts): Promise<void> {
    const { agenda } = this.#store;
    const existing = new Map<string, { id: JobId; cron: string; timezone: string }>();
    for (const job of (await agenda.queryJobs({ name: recurring.name })).jobs) {
      const userId = (job.data as { userId?: string } | undefined)?.userId;
      if (userId) {
        existing.set(userId, { id: job._id, cron: String(job.repeatInterval), timezone: job.repeatTimezone ?? 'UTC' });
      }
    }
    await forEachLimit(sellers, BULK_PARALLELISM, async (seller) => {
      const current = existing.get(seller.id);
      existing.delete(seller.id);
      const schedule = recurring.scheduleOf(seller, this.#config.jobs);
      if (!schedule) {
        if (current) {
          await agenda.cancel({ id: current.id });
          counts.removed++;
        }
        return;
      }
      if (current?.cron === schedule.cron && current.timezone === schedule.timezone) {
        counts.unchanged++;
        return;
      }
      await this.#saveRecurring(recurring.name, seller.id, schedule, current?.id ?? null);
      if (current) counts.updated++;
      else counts.created++;
    });
    // jobs of sellers that no longer exist
    for (const { id } of existing.values()) {
      await agenda.cancel({ id });
      counts.removed++;
    }
  }

  /** One seller's digest job, with its next run (none: off, or nothing connected). */
  async scheduledDigestOf(userId: string): Promise<ScheduledSync | undefined> {
    return (await this.#scheduled(JOB.sellerDigest, { userId }))[0];
  }

  /** One seller's recurring sync, with its next run (none: nothing connected). */
  async scheduledSyncOf(userId: string): Promise<ScheduledSync | undefined> {
    return (await this.scheduledSyncs({ userId }))[0];
  }

  /** Every seller's recurring sync (or those whose job data matches), with its next run. */
  async scheduledSyncs(data?: { userId: string }): Promise<ScheduledSync[]> {
    return this.#scheduled(JOB.syncSeller, data);
  }

  async #scheduled(name: string, data?: { userId: string }): Promise<ScheduledSync[]> {
    const { jobs } = await this.#store.agenda.queryJobs({ name, ...(data ? { data } : {}) });
    return jobs.flatMap((job) => {
      const userId = (job.data as { userId?: string } | undefined)?.userId;
      if (!userId) return [];
      return [
        {
          userId,
          cron: String(job.repeatInterval),
          timezone: job.repeatTimezone ?? 'UTC',
          nextRunAt: job.nextRunAt ?? undefined,
          lastRunAt: job.lastRunAt ?? undefined,
        },
      ];
    });
  }

  /**
   * Writes a seller's recurring job: an update of the one there is (by id; `null`: known
   * to be none), else an insert. The store's unique index keeps it to one per seller: an
   * insert that loses a race becomes an update. (Agenda's own `unique()` save would look
   * the job up by a JSON path no index serves, a scan per seller.)
   */
  async #saveRecurring(name: string, userId: string, schedule: SyncSchedule, id: JobId | null): Promise<void> {
    const save = async (jobId: JobId | undefined) => {
      const job = this.#store.agenda
        .create(name, { userId })
        .schedule(this.#clock())
        .repeatEvery(schedule.cron, { timezone: schedule.timezone, skipImmediate: true });
      if (jobId !== undefined) job.attrs._id = jobId;
      await job.save();
    };
    try {
      await save(id ?? undefined);
    } catch (error) {
      if (!isDuplicateJob(error)) throw error;
      await save(await this.#jobIdOf(name, userId));
    }
  }

  async #jobIdOf(name: string, userId: string): Promise<JobId | undefined> {
    return (await this.#store.agenda.queryJobs({ name, data: { userId }, limit: 1 })).jobs[0]?._id;
  }

  // ---------------------------------------------------------------- on-demand syncs

  /**
   * Asks for a sync of one seller now. While one is queued or running for the seller,
   * the request joins it; otherwise the seller's on-demand job is (re)armed to run at once.
   */
  async requestSync(userId: string, trigger: OnDemandTrigger = 'on_demand'): Promise<SyncRequest> {
    try {
      return await this.#requestSync(userId, trigger);
    } catch (error) {
      // a concurrent request inserted the seller's job first: join it
      if (isDuplicateJob(error)) return this.#requestSync(userId, trigger);
      throw error;
    }
  }

  async #requestSync(userId: string, trigger: OnDemandTrigger): Promise<SyncRequest> {
    const { agenda } = this.#store;
    const [existing] = (await agenda.queryJobs({ name: JOB.syncSellerNow, data: { userId }, limit: 1 })).jobs;
    const seen = {
      finishedAt: existing?.lastFinishedAt?.getTime(),
      failedAt: existing?.failedAt?.getTime(),
    };
    if (existing && (existing.lockedAt || existing.nextRunAt)) {
      return { jobId: String(existing._id), userId, joined: true, seen };
    }
    // the seller's first request (inserted), or a new one after the last finished (re-armed)
    const data: SyncNowData = { userId, trigger };
    const job = agenda.create(JOB.syncSellerNow, data).priority('high').schedule(new Date());
    if (existing) job.attrs._id = existing._id;
    await job.save();
    return { jobId: String(job.attrs._id), userId, joined: false, seen };
  }

  /**
   * Asks for a connection's first sync, its progress and end told at `announce`. A
   * backfill of this connection already running takes the request (it tells where it was
   * asked); one still queued is told here instead. Two requests at the same instant may
   * both queue one (no unique key serves a connection): the second then syncs nothing new.
   */
  async requestBackfill(connectionId: string, announce: ChatAddress): Promise<BackfillRequest> {
    const { agenda } = this.#store;
    const [existing] = (await agenda.queryJobs({ name: JOB.connectBackfill, data: { connectionId }, limit: 1 })).jobs;
    if (existing?.lockedAt) return { jobId: String(existing._id), joined: true };
    const data: BackfillData = { connectionId, announce };
    const job = agenda.create(JOB.connectBackfill, data).priority('high').schedule(new Date());
    if (existing) job.attrs._id = existing._id;
    await job.save();
    return { jobId: String(job.attrs._id), joined: false };
  }

  /** The external-cron path: one on-demand sync per seller with a connected marketplace. */
  async requestSyncForAll(trigger: OnDemandTrigger): Promise<{ sellers: number; enqueued: number; joined: number }> {
    const sellers = (await this.#sellers()).filter((s) => s.active);
    let joined = 0;
    await forEachLimit(sellers, BULK_PARALLELISM, async (seller) => {
      if ((await this.requestSync(seller.id, trigger)).joined) joined++;
    });
    return { sellers: sellers.length, enqueued: sellers.length - joined, joined };
  }

  /**
   * Resolves when the sync a request rides on has ended (`failed`: it gave up after its
   * retries), or with `timeout`. Completions are heard at once where the store notifies
   * (PostgreSQL), otherwise within a quarter of a second.
   */
  async waitForSync(request: SyncRequest, timeoutMs: number): Promise<SyncWaitResult> {
    const { agenda } = this.#store;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [job] = (await agenda.queryJobs({ id: request.jobId })).jobs;
      if (!job) return 'finished'; // removed with its seller: nothing left to wait for
      // neither running nor queued (a failed run with a retry ahead is queued): it has ended
      if (!job.lockedAt && !job.nextRunAt && newer(job.lastFinishedAt, request.seen.finishedAt)) {
        // Agenda stamps a failure as a finish too
        return newer(job.failedAt, request.seen.failedAt) && job.failedAt?.getTime() === job.lastFinishedAt?.getTime()
          ? 'failed'
          : 'finished';
      }
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      await completionOrDelay(agenda, Math.min(250, left));
    }
  }

  // ---------------------------------------------------------------- internals

  async #start(): Promise<void> {
    if (this.#started) return;
    await this.#store.agenda.start();
    this.#started = true;
  }

  #tracked(handler: (job: Job) => Promise<void>): (job: Job) => Promise<void> {
    return (job) => {
      // every line the job writes carries its id
      const run = withLogContext({ jobId: String(job.attrs._id), job: job.attrs.name }, () => handler(job));
      const settled: Promise<void> = run
        .catch(() => {}) // Agenda records the failure; here it only ends the wait
        .then(() => {
          this.#running.delete(settled);
        });
      this.#running.add(settled);
      return run;
    };
  }

  async #sellers(userIds?: string[]): Promise<SellerRow[]> {
    const { rows } = await this.#pool.query<{
      id: string;
      timezone: string;
      sync_tier: SyncTier;
      digest_time: string | null;
      active: boolean;
    }>(
      `select u.id, u.timezone, u.sync_tier, u.digest_time,
              exists (select 1 from marketplace_connection c where c.user_id = u.id and c.status = any($2)) as active
         from "user" u
        where $1::uuid[] is null or u.id = any($1)
        order by u.id`,
      [userIds ?? null, SYNCABLE_STATUSES],
    );
    return rows.map((r) => ({
      id: r.id,
      timezone: r.timezone,
      tier: r.sync_tier,
      digestTime: r.digest_time,
      active: r.active,
    }));
  }
}

interface SellerRow {
  id: string;
  timezone: string;
  tier: SyncTier;
  digestTime: string | null;
  /** A marketplace is connected and syncable. */
  active: boolean;
}

/** A job every seller has (or not) on a schedule of their own, in their timezone. */
interface SellerRecurring {
  name: string;
  /** When it runs for this seller; undefined: the seller has none. */
  scheduleOf(seller: SellerRow, jobs: Config['jobs']): SyncSchedule | undefined;
}

const SYNC_RECURRING: SellerRecurring = {
  name: JOB.syncSeller,
  scheduleOf: (s) => (s.active ? syncScheduleFor(s.id, s.tier, s.timezone) : undefined),
};

const SELLER_RECURRING: SellerRecurring[] = [
  SYNC_RECURRING,
  {
    name: JOB.sellerDigest,
    scheduleOf: (s, jobs) =>
      s.active && s.digestTime ? digestScheduleFor(s.digestTime, s.timezone, jobs.digestPrepareMinutes) : undefined,
  },
];

const newer = (at: Date | undefined, seen: number | undefined) => at !== undefined && at.getTime() !== seen;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Resolves when any on-demand sync completes (here or, through the store, elsewhere), or after `ms`. */
function completionOrDelay(agenda: JobStore['agenda'], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const event = `complete:${JOB.syncSellerNow}` as const;
    const done = () => {
      clearTimeout(timer);
      agenda.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    agenda.on(event, done);
  });
}

async function forEachLimit<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

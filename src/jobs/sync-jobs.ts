/**
 * The sync jobs' handlers. Both run `syncSeller` under the seller's lease; while it runs
 * the job is touched on every page written (with its progress) and on the lease's
 * heartbeat, so its lock stays alive however slow the source is. A worker that dies
 * stops touching: after the lock lifetime another worker takes the job over, the
 * lease has lapsed by then, and the sync resumes from the saved cursors.
 *
 * - `sync-seller` (recurring): if the seller is already syncing, this run is skipped.
 * - `sync-seller-now` (on demand): waits for a sync already running to end, then runs
 *   its own, so the data it answers for was read after the request.
 * A run cut short by a shutdown comes back: the on-demand job through its retry, the
 * recurring one as an on-demand job.
 */
import type { Job } from 'agenda';
import type { Logger } from '../logging/logger.ts';
import type { SyncDeps, SyncProgress } from '../sync/sync-connection.ts';
import { type SellerSyncResult, syncSeller } from '../sync/sync-manager.ts';
import { type OnDemandTrigger, sellerJobData, syncNowData } from './job-names.ts';
import type { Scheduler } from './scheduler.ts';

export interface JobContext {
  deps: SyncDeps & { leaseTtlMs: number };
  scheduler: Scheduler;
  /** Aborted when the worker stops and will not wait any longer. */
  signal: AbortSignal;
  log: Logger;
}

export function syncSellerJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { userId } = sellerJobData.parse(job.attrs.data);
    const result = await runSync(ctx, job, userId, 'scheduled', false);
    if (result && ctx.signal.aborted) await ctx.scheduler.requestSync(userId, 'scheduled');
  };
}

export function syncSellerNowJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { userId, trigger } = syncNowData.parse(job.attrs.data);
    await runSync(ctx, job, userId, trigger, true);
    if (ctx.signal.aborted) throw new Error('interrupted by a shutdown: to be resumed');
  };
}

/** Runs the seller's sync (waiting its turn if asked to); undefined when skipped. */
async function runSync(
  ctx: JobContext,
  job: Job,
  userId: string,
  trigger: OnDemandTrigger,
  waitWhileBusy: boolean,
): Promise<SellerSyncResult | undefined> {
  const log = ctx.log.child({ job: job.attrs.name, jobId: String(job.attrs._id), userId });
  const progress = new ProgressTouch(job);
  const pollMs = Math.max(200, Math.floor(ctx.deps.leaseTtlMs / 10));
  for (;;) {
    const result = await syncSeller(ctx.deps, userId, {
      trigger,
      signal: ctx.signal,
      onProgress: (p) => progress.update(p),
      onHeartbeat: () => job.touch(),
    });
    if (!result.busy) {
      for (const r of result.connections) {
        log.info(
          {
            marketplace: r.marketplace,
            status: r.status,
            orders: r.ordersUpserted,
            apiCalls: r.apiCalls,
            durationMs: r.durationMs,
            ...(r.error ? { error: r.error } : {}),
          },
          'sync finished',
        );
      }
      // a revoked connection may have left the seller with none to sync
      await ctx.scheduler.scheduleSeller(userId);
      return result;
    }
    if (!waitWhileBusy) {
      log.info('another sync of this seller is running: this run is skipped');
      return undefined;
    }
    if (ctx.signal.aborted) return undefined;
    await job.touch();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Touches the job as pages are written (at most once a second), with the run's progress in percent. */
class ProgressTouch {
  readonly #job: Job;
  readonly #streams = new Map<string, SyncProgress>();
  #touchedAt = 0;

  constructor(job: Job) {
    this.#job = job;
  }

  update(p: SyncProgress): void {
    this.#streams.set(`${p.connectionId}:${p.stream}`, p);
    if (Date.now() - this.#touchedAt < 1000) return;
    this.#touchedAt = Date.now();
    let done = 0;
    let total = 0;
    for (const s of this.#streams.values()) {
      if (s.estimatedTotal === undefined) continue;
      done += s.done;
      total += Math.max(s.estimatedTotal, s.done);
    }
    const percent = total > 0 ? Math.min(99, Math.floor((100 * done) / total)) : undefined;
    this.#job.touch(percent).catch(() => {}); // the heartbeat touches again; a lost lock shows there
  }
}

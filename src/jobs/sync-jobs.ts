/**
 * The sync jobs' handlers. Both run `syncSeller` under the seller's lease (`runSync`,
 * which the backfill job shares); while it runs the job is touched on every page
 * written (with its progress) and on the lease's heartbeat, so its lock stays alive
 * however slow the source is. A worker that dies stops touching: after the lock
 * lifetime another worker takes the job over, the lease has lapsed by then, and the
 * sync resumes from the saved cursors.
 *
 * - `sync-seller` (recurring): if the seller is already syncing, this run is skipped.
 * - `sync-seller-now` (on demand): waits for a sync already running to end, then runs
 *   its own, so the data it answers for was read after the request. Asked for from
 *   chat, it spares a marketplace in an outage (its last run failed with a temporary
 *   error within the cool-down): the recurring schedule retries that one.
 * A run cut short by a shutdown comes back: the on-demand job through its retry, the
 * recurring one as an on-demand job. After a run, a connection that now needs the
 * seller to sign in again is told to them, once (reauth-notice.ts).
 */
import type { Job } from 'agenda';
import type { ChatAddress, ChatNotifier } from '../channels/chat-notifier.ts';
import { tellReauthNeeded } from '../connections/reauth-notice.ts';
import { checkAlerts, insightDeps } from '../insights/alerts.ts';
import type { Logger } from '../logging/logger.ts';
import type { SyncDeps, SyncProgress } from '../sync/sync-connection.ts';
import { type SellerSyncResult, syncSeller } from '../sync/sync-manager.ts';
import type { BackfillTiming } from './backfill-announcer.ts';
import { type OnDemandTrigger, sellerJobData, syncNowData } from './job-names.ts';
import type { Scheduler } from './scheduler.ts';

export interface JobContext {
  deps: SyncDeps & { leaseTtlMs: number };
  scheduler: Scheduler;
  /** Messages to sellers: a backfill's progress and end, a connection to sign in to again. */
  notifier: ChatNotifier;
  backfillTiming: BackfillTiming;
  /** Aborted when the worker stops and will not wait any longer. */
  signal: AbortSignal;
  log: Logger;
}

export function syncSellerJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { userId } = sellerJobData.parse(job.attrs.data);
    const result = await runSync(ctx, job, userId, { trigger: 'scheduled', waitWhileBusy: false });
    if (result && ctx.signal.aborted) await ctx.scheduler.requestSync(userId, 'scheduled');
  };
}

export function syncSellerNowJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { userId, trigger } = syncNowData.parse(job.attrs.data);
    await runSync(ctx, job, userId, {
      trigger,
      waitWhileBusy: true,
      spareFailingForMs: trigger === 'on_demand' ? ctx.deps.config.conversation.outageCooldownMs : undefined,
    });
    if (ctx.signal.aborted) throw new Error('interrupted by a shutdown: to be resumed');
  };
}

export interface RunSyncOptions {
  trigger: OnDemandTrigger;
  /** Wait for a sync of this seller already running to end, then run; else this run is skipped. */
  waitWhileBusy: boolean;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
  /** Where a connection's notice to sign in again goes instead of the seller's last chat. */
  reauthAddress?: ((connectionId: string) => ChatAddress | undefined) | undefined;
  /** Connections in an outage for less than this are left out (see `syncSeller`). */
  spareFailingForMs?: number | undefined;
}

export interface SyncRun extends SellerSyncResult {
  /** Connections whose seller was told, after this run, to sign in again. */
  reauthTold: string[];
}

/** Runs the seller's sync (waiting its turn if asked to); undefined when skipped or stopped while waiting. */
export async function runSync(
  ctx: JobContext,
  job: Job,
  userId: string,
  options: RunSyncOptions,
): Promise<SyncRun | undefined> {
  const { trigger, waitWhileBusy } = options;
  const log = ctx.log.child({ job: job.attrs.name, jobId: String(job.attrs._id), userId });
  const progress = new ProgressTouch(job);
  const pollMs = Math.max(200, Math.floor(ctx.deps.leaseTtlMs / 10));
  for (;;) {
    // rows written from here on are what this sync changed (the alerts look at them)
    const since = new Date();
    const result = await syncSeller(ctx.deps, userId, {
      trigger,
      signal: ctx.signal,
      onProgress: (p) => {
        progress.update(p);
        options.onProgress?.(p);
      },
      onHeartbeat: () => job.touch(),
      spareFailingForMs: options.spareFailingForMs,
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
      const reauthTold = await tellReauthNeeded(
        { pool: ctx.deps.pool, notifier: ctx.notifier, publicBaseUrl: ctx.deps.config.publicBaseUrl, log },
        userId,
        options.reauthAddress,
      ).catch((err: unknown) => {
        log.error({ err }, 'telling the seller to sign in again failed: the next sync tries again');
        return [];
      });
      await checkAlerts(insightDeps({ pool: ctx.deps.pool, notifier: ctx.notifier, log }, ctx.deps.config), userId, {
        since,
      }).catch((err: unknown) => log.error({ err }, 'checking alerts failed: the next sync checks again'));
      return { ...result, reauthTold };
    }
    if (!waitWhileBusy) {
      const held = result.heldBy;
      log.info(
        held ? { holder: held.holder, leaseExpiresAt: held.expiresAt } : {},
        'another sync of this seller is running: this run is skipped',
      );
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

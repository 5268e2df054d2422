/**
 * `connect-backfill`: the first sync of a connection made from chat, told in the
 * conversation that asked for it. It runs the seller's sync as `sync-seller-now` does
 * (waiting for one already running to end), shows this connection's progress there
 * (backfill-announcer.ts), then says how it ended: what was loaded and a question to
 * ask, or what failed and what ShopIQ does next. A connection whose marketplace refused
 * access gets the link to sign in again in that conversation instead (reauth-notice.ts).
 * A run cut short (a shutdown, another worker taking the seller over) is retried by
 * Agenda, and its progress shown afresh.
 */
import type { Job } from 'agenda';
import type pg from 'pg';
import {
  type ConnectionLabel,
  disconnectedText,
  failedText,
  loadedText,
} from '../connections/connect-announcements.ts';
import { connectAccountOf } from '../connections/reauth-notice.ts';
import { textReply } from '../conversation/reply.ts';
import type { ConnectionStatus, Marketplace } from '../db/enums.ts';
import type { ConnectionSyncResult } from '../sync/sync-connection.ts';
import { BackfillAnnouncer } from './backfill-announcer.ts';
import { backfillData } from './job-names.ts';
import { type JobContext, runSync, type SyncRun } from './sync-jobs.ts';

interface BackfillConnection {
  userId: string;
  timezone: string;
  status: ConnectionStatus;
  label: ConnectionLabel;
}

export function connectBackfillJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { connectionId, announce } = backfillData.parse(job.attrs.data);
    const log = ctx.log.child({ job: job.attrs.name, jobId: String(job.attrs._id), connectionId });
    const connection = await loadConnection(ctx.deps.pool, connectionId);
    if (!connection) {
      log.info('the connection is gone: nothing to load');
      return;
    }
    const announcer = new BackfillAnnouncer({
      notifier: ctx.notifier,
      address: announce,
      label: connection.label,
      connectionId,
      timing: ctx.backfillTiming,
      log,
    });
    let run: SyncRun | undefined;
    try {
      run = await runSync(ctx, job, connection.userId, {
        trigger: 'on_demand',
        waitWhileBusy: true,
        onProgress: (p) => announcer.progress(p),
        reauthAddress: (id) => (id === connectionId ? announce : undefined),
      });
    } finally {
      await announcer.close();
    }
    const outcome = run?.connections.find((c) => c.connectionId === connectionId);
    // stopped by a shutdown, or another worker took the seller over: Agenda runs it again
    const cut = ctx.signal.aborted && outcome?.status !== 'succeeded';
    if (!run || cut || outcome?.status === 'fenced')
      throw new Error('interrupted before the backfill ended: to be resumed');
    const text = await lastWord(ctx, connectionId, connection, outcome, run, announcer.done);
    if (text) await ctx.notifier.post(announce, textReply(text));
    log.info({ status: outcome?.status ?? 'not synced', told: Boolean(text) }, 'backfill finished');
  };
}

/** How the backfill ended, in the seller's words; undefined when the notice to sign in again said it. */
async function lastWord(
  ctx: JobContext,
  connectionId: string,
  connection: BackfillConnection,
  outcome: ConnectionSyncResult | undefined,
  run: SyncRun,
  done: number,
): Promise<string | undefined> {
  const { pool } = ctx.deps;
  const { label, timezone } = connection;
  if (outcome?.status === 'succeeded') return loadedText(label, await loadedOrders(pool, connectionId), timezone);
  if (run.reauthTold.includes(connectionId)) return undefined;
  // not synced at all: disconnected, or already waiting for the seller to sign in again
  const status = outcome ? undefined : (await loadConnection(pool, connectionId))?.status;
  if (!outcome && status !== 'NEEDS_REAUTH') return disconnectedText(label);
  const next = await ctx.scheduler.scheduledSyncOf(connection.userId);
  return failedText(label, {
    kind: outcome?.failureKind ?? 'auth_revoked',
    done,
    nextSyncAt: next?.nextRunAt,
    timezone,
  });
}

async function loadConnection(pool: pg.Pool, connectionId: string): Promise<BackfillConnection | undefined> {
  const { rows } = await pool.query<{
    user_id: string;
    timezone: string;
    status: ConnectionStatus;
    marketplace: Marketplace;
    external_account_id: string;
    region: string | null;
  }>(
    `select c.user_id, u.timezone, c.status, c.marketplace, c.external_account_id, c.region
       from marketplace_connection c join "user" u on u.id = c.user_id where c.id = $1`,
    [connectionId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const account = connectAccountOf({
    marketplace: row.marketplace,
    externalAccountId: row.external_account_id,
    region: row.region,
  });
  return {
    userId: row.user_id,
    timezone: row.timezone,
    status: row.status,
    label: { marketplace: row.marketplace, account },
  };
}

/** What the connection holds now: its orders and the dates they were placed. */
async function loadedOrders(pool: pg.Pool, connectionId: string) {
  const { rows } = await pool.query<{ orders: number; first: Date | null; last: Date | null }>(
    `select count(*)::int as orders, min(ordered_at) as first, max(ordered_at) as last
       from unified_order where connection_id = $1`,
    [connectionId],
  );
  const row = rows[0];
  return { orders: row?.orders ?? 0, first: row?.first ?? undefined, last: row?.last ?? undefined };
}

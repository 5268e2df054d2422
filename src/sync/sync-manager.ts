/**
 * Syncs sellers: one seller at a time, and a seller only while holding its sync lease
 * (so a scheduled and an on-demand sync never run together). A seller's connections
 * sync side by side: each marketplace has its own API and limits, so Amazon waiting
 * on its report quota does not hold Shopify back, and one failing never stops the
 * others. A run that lost its lease stops them all at once: another worker owns the
 * seller now.
 */
import { refreshSalesRollup } from '../analytics/sales-rollup.ts';
import { loadSellerScope } from '../analytics/seller-scope.ts';
import type { ConnectionCursors } from '../db/entities/marketplace-connection.entity.ts';
import type { Marketplace, SyncTrigger } from '../db/enums.ts';
import { lastSettledRun } from './last-settled-run.ts';
import { dropLeaseHolder, holderIsGone, newLeaseHolder } from './lease-holder.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import {
  type ConnectionRow,
  type ConnectionSyncResult,
  type SyncDeps,
  type SyncProgress,
  syncConnection,
} from './sync-connection.ts';
import { acquireLeaseOrTakeOver, type HeldLease, LeaseLostError, releaseLease } from './sync-lease.ts';

export interface SellerSyncOptions {
  marketplace?: Marketplace | undefined;
  trigger: SyncTrigger;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
  /**
   * Called every third of the lease's lifetime while the run goes on (the lease is
   * renewed on the same beat, so a slow source never costs a live run its seller).
   */
  onHeartbeat?: (() => Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Leave out connections whose last run failed with a temporary error less than this
   * long ago: a sync asked for from chat during an outage does not wait on a marketplace
   * that is down (the recurring schedule still retries it).
   */
  spareFailingForMs?: number | undefined;
}

export interface SellerSyncResult {
  userId: string;
  /** Another worker holds the seller's lease: nothing was done. */
  busy: boolean;
  /** When busy: the lease that kept the seller, and until when. */
  heldBy?: HeldLease;
  /** The holder of a run on this machine whose process was gone: its lease was taken over. */
  tookOverFrom?: string;
  /** Renewals of the lease this run made (each one UPDATE of one row). */
  leaseRenewals?: number;
  connections: ConnectionSyncResult[];
}

/**
 * How long a run's lease outlives its last renewal (renewed every third of it): how
 * long a run that died elsewhere keeps its seller. A run on the same machine is taken
 * over as soon as its process is gone.
 */
export const SYNC_LEASE_TTL_MS = 60_000;
/** Connections a sync reads: connected, or failed last time (a revoked one waits for the seller). */
export const SYNCABLE_STATUSES = ['CONNECTED', 'ERROR'];

export async function syncSeller(
  deps: SyncDeps,
  userId: string,
  options: SellerSyncOptions,
): Promise<SellerSyncResult> {
  const ttl = deps.leaseTtlMs ?? SYNC_LEASE_TTL_MS;
  const holder = newLeaseHolder();
  const attempt = await acquireLeaseOrTakeOver(deps.pool, userId, holder, ttl, holderIsGone).catch((error: unknown) => {
    dropLeaseHolder(holder);
    throw error;
  });
  if (!attempt.lease) {
    dropLeaseHolder(holder);
    return { userId, busy: true, heldBy: attempt.heldBy, connections: [] };
  }
  const { tookOverFrom } = attempt;
  if (tookOverFrom)
    deps.log.warn({ userId, tookOverFrom }, 'the last sync of this seller is gone: its lease taken over');
  const keeper = new LeaseKeeper(deps.pool, attempt.lease, ttl);
  const fenced = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, fenced.signal]) : fenced.signal;
  const heartbeat = setInterval(() => {
    keeper.keep().catch((error: unknown) => {
      if (error instanceof LeaseLostError) fenced.abort(error);
    });
    options.onHeartbeat?.().catch((err: unknown) => deps.log.warn({ err, userId }, 'sync heartbeat failed'));
  }, ttl / 3);
  try {
    const connections = await syncableConnections(deps, userId, options.marketplace, options.spareFailingForMs);
    const results = await Promise.all(
      connections.map(async (connection) => {
        const result = await syncConnection(deps, {
          connection,
          lease: keeper,
          trigger: options.trigger,
          onProgress: options.onProgress,
          signal,
        });
        if (result.status === 'fenced') fenced.abort(new LeaseLostError(keeper.lease));
        return result;
      }),
    );
    await refreshRollups(deps, userId);
    return {
      userId,
      busy: false,
      ...(tookOverFrom ? { tookOverFrom } : {}),
      leaseRenewals: keeper.renewals,
      connections: results,
    };
  } finally {
    clearInterval(heartbeat);
    await releaseLease(deps.pool, keeper.lease).catch(() => {});
    dropLeaseHolder(holder);
  }
}

/**
 * Brings the seller's derived rows (the daily sales rollup) up to date with what the
 * run wrote, so the next question does not wait for it. A failure here loses nothing:
 * the next read refreshes them itself.
 */
async function refreshRollups(deps: SyncDeps, userId: string): Promise<void> {
  try {
    const scope = await loadSellerScope(deps.pool, userId);
    if (scope) await refreshSalesRollup(deps.pool, scope);
  } catch (err) {
    deps.log.warn({ err, userId }, 'sales rollup refresh after the sync failed; the next question refreshes it');
  }
}

/** Every seller with a connection to sync (optionally some), one after another. */
export async function syncSellers(
  deps: SyncDeps,
  options: SellerSyncOptions & { userIds?: string[] | undefined },
): Promise<SellerSyncResult[]> {
  const { rows } = await deps.pool.query<{ user_id: string }>(
    `select distinct user_id from marketplace_connection
      where status = any($1) and ($2::uuid[] is null or user_id = any($2)) and ($3::text is null or marketplace = $3)
      order by user_id`,
    [SYNCABLE_STATUSES, options.userIds ?? null, options.marketplace ?? null],
  );
  const results: SellerSyncResult[] = [];
  for (const { user_id } of rows) {
    if (options.signal?.aborted) break;
    results.push(await syncSeller(deps, user_id, options));
  }
  return results;
}

async function syncableConnections(
  deps: SyncDeps,
  userId: string,
  marketplace: Marketplace | undefined,
  spareFailingForMs: number | undefined,
): Promise<ConnectionRow[]> {
  const { rows } = await deps.pool.query<{
    id: string;
    user_id: string;
    marketplace: Marketplace;
    external_account_id: string;
    region: string | null;
    sandbox_url: string | null;
    access_token_sealed: string | null;
    refresh_token_sealed: string | null;
    token_expires_at: Date | null;
    cursors: ConnectionCursors;
  }>(
    `select c.id, c.user_id, c.marketplace, c.external_account_id, c.region, c.sandbox_url, c.access_token_sealed,
            c.refresh_token_sealed, c.token_expires_at, c.cursors
       from marketplace_connection c
       left join lateral (${lastSettledRun('c')}) last on true
      where c.user_id = $1 and c.status = any($2) and ($3::text is null or c.marketplace = $3)
        and not coalesce($4::float8 is not null and last.status = 'failed' and last.failure_kind = 'temporary'
                          and last.finished_at > now() - $4::float8 * interval '1 millisecond', false)
      order by c.marketplace, c.created_at`,
    [userId, SYNCABLE_STATUSES, marketplace ?? null, spareFailingForMs ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    marketplace: r.marketplace,
    externalAccountId: r.external_account_id,
    region: r.region,
    sandboxUrl: r.sandbox_url,
    accessTokenSealed: r.access_token_sealed,
    refreshTokenSealed: r.refresh_token_sealed,
    tokenExpiresAt: r.token_expires_at,
    cursors: r.cursors ?? {},
  }));
}

/**
 * How fresh each of a seller's marketplace connections is: when its data was last
 * brought up to date, whether that is older than the threshold, whether a sync is
 * running now, whether it needs the seller (reconnecting), and whether its marketplace
 * is failing (the last sync run ended with a temporary error: 5xx, timeouts). Seller-facing
 * words only: a run's stored error text is for operators, never shown here.
 */
import type { ConnectionStatus, Marketplace } from '../db/enums.ts';
import type { Queryable } from '../db/pool.ts';
import { lastSettledRun } from '../sync/last-settled-run.ts';
import { SYNCABLE_STATUSES } from '../sync/sync-manager.ts';
import { localTime } from '../time/local-time.ts';
import type { SellerScope } from './seller-scope.ts';

export interface ConnectionFreshness {
  connectionId: string;
  marketplace: Marketplace;
  account: string;
  status: ConnectionStatus;
  /** Data as of this instant (the last successful sync); null: never synced. */
  lastSyncAt: Date | null;
  /** The same, as the seller reads it. */
  lastSyncLocal: string | null;
  ageMinutes: number | null;
  /** Never synced, or last synced longer ago than the threshold. */
  stale: boolean;
  /** A sync of this seller holds its lease now. */
  syncing: boolean;
  /** It can sync (connected); otherwise the seller has to act. */
  syncable: boolean;
  /** The state in the seller's words: "connected", "needs reconnecting", "error"… */
  state: string;
  /**
   * Its last sync run failed with a temporary error: since when runs have failed (the
   * first failure after the last good sync), and when the last one did.
   */
  failing: { since: Date; sinceLocal: string; lastAt: Date } | null;
}

export async function connectionFreshness(
  db: Queryable,
  scope: SellerScope,
  now: Date,
  staleAfterMs: number,
): Promise<ConnectionFreshness[]> {
  const { rows } = await db.query<{
    id: string;
    marketplace: Marketplace;
    account: string;
    status: ConnectionStatus;
    last_sync_at: Date | null;
    syncing: boolean;
    failing_since: Date | null;
    failed_at: Date | null;
  }>(
    `select c.id, c.marketplace, coalesce(c.display_name, c.external_account_id) as account, c.status, c.last_sync_at,
            exists (select 1 from sync_lease l where l.user_id = c.user_id and l.expires_at > $2) as syncing,
            f.since as failing_since, last.finished_at as failed_at
       from marketplace_connection c
       left join lateral (${lastSettledRun('c')}) last on true
       left join lateral (
              select min(r.finished_at) as since from sync_run r
               where r.connection_id = c.id and r.status = 'failed'
                 and r.started_at >= coalesce(c.last_sync_at, '-infinity'::timestamptz)) f
         on last.status = 'failed' and last.failure_kind = 'temporary'
      where c.user_id = $1 and c.status <> 'DISCONNECTED'
      order by c.marketplace, c.created_at`,
    [scope.userId, now],
  );
  return rows.map((r) => {
    const age = r.last_sync_at ? now.getTime() - r.last_sync_at.getTime() : null;
    const syncable = (SYNCABLE_STATUSES as readonly string[]).includes(r.status);
    return {
      connectionId: r.id,
      marketplace: r.marketplace,
      account: r.account,
      status: r.status,
      lastSyncAt: r.last_sync_at,
      lastSyncLocal: r.last_sync_at ? localTime(r.last_sync_at, scope.timezone) : null,
      ageMinutes: age === null ? null : Math.floor(age / 60_000),
      stale: age === null || age > staleAfterMs,
      syncing: r.syncing,
      syncable,
      state: syncable ? 'connected' : r.status === 'NEEDS_REAUTH' ? 'needs reconnecting' : r.status.toLowerCase(),
      failing:
        r.failing_since && r.failed_at
          ? { since: r.failing_since, sinceLocal: localTime(r.failing_since, scope.timezone), lastAt: r.failed_at }
          : null,
    };
  });
}

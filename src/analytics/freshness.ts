/**
 * How fresh each of a seller's marketplace connections is: when its data was last
 * brought up to date, whether that is older than the threshold, whether a sync is
 * running now, and whether it needs the seller (reconnecting). Seller-facing words
 * only: a connection's stored error text is for operators, never shown here.
 */
import type { ConnectionStatus, Marketplace } from '../db/enums.ts';
import type { Queryable } from '../db/pool.ts';
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
  }>(
    `select c.id, c.marketplace, coalesce(c.display_name, c.external_account_id) as account, c.status, c.last_sync_at,
            exists (select 1 from sync_lease l where l.user_id = c.user_id and l.expires_at > $2) as syncing
       from marketplace_connection c
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
    };
  });
}

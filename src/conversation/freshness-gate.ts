/**
 * Before a question is answered: is the seller's data fresh enough? A connection
 * synced longer ago than the threshold (or never) gets an on-demand sync for the
 * seller (joined with one already queued or running), and the answer waits for it a
 * bounded time. If it is still running then, the answer goes out with the data there
 * is, says how fresh it is, and `pending` lets the caller follow up when it ends.
 */
import { type ConnectionFreshness, connectionFreshness } from '../analytics/freshness.ts';
import type { SellerScope } from '../analytics/seller-scope.ts';
import type { Queryable } from '../db/pool.ts';
import type { SyncRequest, SyncWaitResult } from '../jobs/scheduler.ts';

/** The part of the scheduler the conversation uses. */
export interface SyncRequester {
  requestSync(userId: string, trigger: 'on_demand'): Promise<SyncRequest>;
  waitForSync(request: SyncRequest, timeoutMs: number): Promise<SyncWaitResult>;
}

export interface FreshnessOutcome {
  /** The connections as they are now (after the refresh, if it ended). */
  connections: ConnectionFreshness[];
  /** `fresh`: nothing to do; else what became of the refresh. */
  refresh: 'fresh' | SyncWaitResult | 'unavailable';
  /** The refresh still running when the answer went out. */
  pending?: SyncRequest;
}

export async function ensureFresh(options: {
  db: Queryable;
  scope: SellerScope;
  now: () => Date;
  staleAfterMs: number;
  waitMs: number;
  syncs: SyncRequester | undefined;
  /** A refresh the caller already waits on: joining it, the answer does not wait again. */
  followed?: (request: SyncRequest) => boolean;
  /** Says what it is doing, for a channel's status line. */
  status?: (text: string) => void;
}): Promise<FreshnessOutcome> {
  const { db, scope, now, staleAfterMs, waitMs, syncs } = options;
  const before = await connectionFreshness(db, scope, now(), staleAfterMs);
  options.status?.(`Checking how fresh your ${namesOf(before)} data is…`);
  const stale = before.filter((c) => c.stale && c.syncable);
  if (stale.length === 0) return { connections: before, refresh: 'fresh' };
  if (!syncs) return { connections: before, refresh: 'unavailable' };
  options.status?.(`Refreshing your ${namesOf(stale)} data…`);
  const request = await syncs.requestSync(scope.userId, 'on_demand');
  if (request.joined && options.followed?.(request)) return { connections: before, refresh: 'timeout' };
  const result = await syncs.waitForSync(request, waitMs);
  const connections = result === 'timeout' ? before : await connectionFreshness(db, scope, now(), staleAfterMs);
  return { connections, refresh: result, ...(result === 'timeout' ? { pending: request } : {}) };
}

/**
 * "Shopify and Flipkart as of 2026-11-30 09:30 (Asia/Kolkata); Amazon never synced
 * (needs reauth)": marketplaces in the same state named together.
 */
export function describeFreshness(connections: ConnectionFreshness[]): string {
  const groups = new Map<string, ConnectionFreshness[]>();
  for (const c of connections) {
    const state = `${c.lastSyncLocal ? `as of ${c.lastSyncLocal}` : 'never synced'}${c.syncable ? '' : ` (${c.state})`}`;
    groups.set(state, [...(groups.get(state) ?? []), c]);
  }
  return [...groups].map(([state, group]) => `${namesOf(group)} ${state}`).join('; ');
}

/** "Shopify", "Shopify and Flipkart", "Shopify, Flipkart and Amazon" (each marketplace once). */
export function namesOf(connections: Pick<ConnectionFreshness, 'marketplace'>[]): string {
  const names = [...new Set(connections.map((c) => c.marketplace[0]?.toUpperCase() + c.marketplace.slice(1)))];
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * What an answer from data says last about how fresh each marketplace's data is: its
 * own paragraph at the end of the text (`isFreshnessNote` tells channels which one).
 */
export function freshnessNote(fresh: FreshnessOutcome): string {
  switch (fresh.refresh) {
    case 'timeout':
      return `Your data is being refreshed; these figures are from: ${describeFreshness(fresh.connections)}. I will tell you when the refresh is done.`;
    case 'failed':
      return `The refresh did not complete; these figures are from: ${describeFreshness(fresh.connections)}.`;
    case 'unavailable':
      return `Data: ${describeFreshness(fresh.connections)} (no refresh is running now).`;
    default:
      return fresh.connections.length ? `Data: ${describeFreshness(fresh.connections)}.` : '';
  }
}

/** Whether a paragraph is one `freshnessNote` wrote. */
export const isFreshnessNote = (paragraph: string): boolean =>
  /^(?:Your data is being refreshed; these figures are from: |The refresh did not complete; these figures are from: |Data: )/.test(
    paragraph,
  ) && !paragraph.includes('\n');

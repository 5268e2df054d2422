/**
 * Before a question is answered: is the seller's data fresh enough? A connection
 * synced longer ago than the threshold (or never) gets an on-demand sync for the
 * seller (joined with one already queued or running), and the answer waits for it a
 * bounded time. If it is still running then, the answer goes out with the data there
 * is, says how fresh it is, and `pending` lets the caller follow up when it ends.
 * A marketplace in an outage (its last sync failed with a temporary error less than the
 * cool-down ago) is neither refreshed nor waited for: a sync now would fail the same way
 * after the whole wait. The answer comes at once from its last good sync and says why;
 * the schedule keeps retrying, and once the cool-down is over a question tries again.
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
  /** How long a connection whose last sync failed with a temporary error is not refreshed for a question. */
  outageCooldownMs: number;
  syncs: SyncRequester | undefined;
  /** A refresh the caller already waits on: joining it, the answer does not wait again. */
  followed?: (request: SyncRequest) => boolean;
  /** Says what it is doing, for a channel's status line. */
  status?: (text: string) => void;
}): Promise<FreshnessOutcome> {
  const { db, scope, now, staleAfterMs, waitMs, syncs } = options;
  const checkedAt = now();
  const before = await connectionFreshness(db, scope, checkedAt, staleAfterMs);
  options.status?.(`Checking how fresh your ${namesOf(before)} data is…`);
  const cooling = (c: ConnectionFreshness) =>
    c.failing !== null && checkedAt.getTime() - c.failing.lastAt.getTime() < options.outageCooldownMs;
  const stale = before.filter((c) => c.stale && c.syncable && !cooling(c));
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

/**
 * "Amazon is not answering properly since 2026-12-02 14:02 (Asia/Kolkata): its figures
 * are from its last good sync." for each failing marketplace; '' when none is.
 */
export function describeOutages(connections: ConnectionFreshness[]): string {
  return connections
    .flatMap((c) =>
      c.failing
        ? [
            `${namesOf([c])} is not answering properly since ${c.failing.sinceLocal}: ${c.lastSyncLocal ? 'its figures are from its last good sync' : 'there are no figures from it yet'}.`,
          ]
        : [],
    )
    .join(' ');
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
  const outages = describeOutages(fresh.connections);
  return [freshnessLine(fresh), outages].filter(Boolean).join(' ');
}

function freshnessLine(fresh: FreshnessOutcome): string {
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

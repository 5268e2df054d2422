/** What one client did on the wire during a sync run (recorded on the SyncRun). */
export interface ApiStats {
  /** Requests sent, retries included. */
  apiCalls: number;
  /** Responses that said "slow down": HTTP 429 or a throttled GraphQL answer. */
  throttled: number;
  /** Requests repeated after a temporary failure (5xx, reset, timeout, 429). */
  retries: number;
  /** Milliseconds spent waiting for rate limits (pacing and Retry-After). */
  waitedMs: number;
  /** Rate-limit units spent where the source reports them (Shopify: actual query cost points). */
  costPoints: number;
}

export const emptyStats = (): ApiStats => ({ apiCalls: 0, throttled: 0, retries: 0, waitedMs: 0, costPoints: 0 });

/**
 * What the sync engine needs from a marketplace besides reading: a client for one run
 * of a connection, and how that connection's tokens are renewed. One provider per
 * marketplace folder, listed in marketplace-registry.ts.
 */
import type { Config } from '../config/config.ts';
import type { ConnectionTokens } from '../connections/connection-tokens.ts';
import type { Marketplace } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import type { MarketplaceClient } from './marketplace-client.ts';
import type { RetryPolicy } from './marketplace-http.ts';
import type { TokenManager } from './token-manager.ts';

/** How far back a first sync reads where the source is read by date windows (Flipkart, Amazon): two years. */
export const DEFAULT_BACKFILL_DAYS = 730;

/** The parts of a connection row a client needs. */
export interface ConnectionInfo {
  id: string;
  userId: string;
  marketplace: Marketplace;
  externalAccountId: string;
  region: string | null;
  sandboxUrl: string | null;
}

/** Knobs for tests and benchmarks; production uses the defaults. */
export interface ClientTuning {
  retry?: Partial<RetryPolicy>;
  overlapMs?: number;
  timeoutMs?: number;
  bulkThreshold?: number;
  /** Ceiling of the request rate where the API publishes none (Flipkart). */
  maxRatePerS?: number;
  /** Multiplies published per-operation rates (Amazon) for sandboxes without limits. */
  rateScale?: number;
  /** First wait between report polls (Amazon). */
  reportPollMs?: number;
  /** How far back a first sync reads (Flipkart and Amazon; Shopify reads all). */
  backfillDays?: number;
}

/** What every client takes besides its own: where it reads from, how it retries, its clock. */
export interface CommonClientOptions {
  tokens: TokenManager;
  /** Re-read this much before the cursor (sources that publish changes late). */
  overlapMs?: number;
  /** How far back a first sync reads. */
  backfillDays?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  now?: () => number;
}

/** The common options a provider hands its client from the run's input. */
export function commonOptions(input: ClientInput): CommonClientOptions {
  const { tokens, signal, tuning } = input;
  return {
    tokens,
    ...(signal ? { signal } : {}),
    ...(tuning?.retry ? { retry: tuning.retry } : {}),
    ...(tuning?.overlapMs !== undefined ? { overlapMs: tuning.overlapMs } : {}),
    ...(tuning?.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
    ...(tuning?.backfillDays !== undefined ? { backfillDays: tuning.backfillDays } : {}),
  };
}

export interface ClientInput {
  config: Config;
  connection: ConnectionInfo;
  tokens: TokenManager;
  log: Logger;
  signal?: AbortSignal | undefined;
  tuning?: ClientTuning | undefined;
}

export interface MarketplaceProvider {
  readonly marketplace: Marketplace;
  /** How far back a connection's first sync reads (days); undefined: its whole history. */
  readonly backfillDays: number | undefined;
  createClient(input: ClientInput): MarketplaceClient;
  /** Renews this connection's tokens; undefined when they cannot be renewed. */
  refresher(
    config: Config,
    connection: ConnectionInfo,
    tokens: ConnectionTokens,
  ): ((current: ConnectionTokens) => Promise<ConnectionTokens>) | undefined;
}

/**
 * Every marketplace failure ends up as one of four kinds, so the sync engine decides
 * without knowing the marketplace: `temporary` (retry later, with backoff),
 * `auth_revoked` (the seller must reconnect), `not_found` (the account or resource is
 * gone), `unknown` (a bug or an API change: logged, the run fails).
 */
import type { FailureKind, Marketplace } from '../db/enums.ts';

export class MarketplaceError extends Error {
  readonly kind: FailureKind;
  readonly marketplace: Marketplace;
  readonly status: number | undefined;
  /** When the source said when to come back (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(
    marketplace: Marketplace,
    kind: FailureKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'MarketplaceError';
    this.marketplace = marketplace;
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isMarketplaceError(error: unknown): error is MarketplaceError {
  return error instanceof MarketplaceError;
}

/** The failure kind of any error thrown while syncing. */
export function failureKindOf(error: unknown): FailureKind {
  return isMarketplaceError(error) ? error.kind : 'unknown';
}

/** The kind an HTTP status stands for. */
export function kindOfStatus(status: number): FailureKind {
  if (status === 401 || status === 403) return 'auth_revoked';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'temporary';
  return 'unknown';
}

/**
 * A token refresh the authorization server refuses (400 invalid_grant, 401) means the
 * seller revoked access or the grant lapsed: auth_revoked, so the connection asks for
 * reconnecting instead of retrying. Other failures pass through as they are.
 */
export async function refusedMeansRevoked<T>(marketplace: Marketplace, refresh: Promise<T>): Promise<T> {
  try {
    return await refresh;
  } catch (error) {
    if (isMarketplaceError(error) && (error.status === 400 || error.status === 401)) {
      throw new MarketplaceError(marketplace, 'auth_revoked', `${marketplace} refused the refresh token`, {
        status: error.status,
      });
    }
    throw error;
  }
}

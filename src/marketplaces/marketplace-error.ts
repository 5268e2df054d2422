/**
 * Every marketplace failure ends up as one of four kinds, so the sync engine decides
 * without knowing the marketplace: `temporary` (retry later, with backoff),
 * `auth_revoked` (the seller must reconnect), `not_found` (the account or resource is
 * gone), `unknown` (a bug or an API change: logged, the run fails).
 */
import type { FailureKind, Marketplace } from '../db/enums.ts';
import { maskText } from '../logging/redact.ts';

export class MarketplaceError extends Error {
  readonly kind: FailureKind;
  readonly marketplace: Marketplace;
  readonly status: number | undefined;
  /** When the source said when to come back (Retry-After). */
  readonly retryAfterMs: number | undefined;
  /**
   * What may be stored and shown (errorSummary): ShopIQ's own words. Give it whenever
   * the message quotes the source (its error texts may carry tokens or customer data).
   */
  readonly summary: string;

  constructor(
    marketplace: Marketplace,
    kind: FailureKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown; summary?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'MarketplaceError';
    this.marketplace = marketplace;
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.summary = options.summary ?? message;
  }
}

const SUMMARY_CHARS = 300;
/** An error code a source puts in its answer (`invalid_grant`, `InternalFailure`, `THROTTLED`): no digits, no spaces. */
const CODE_WORD = /^[A-Za-z][A-Za-z_.]{1,47}$/;

/** The source's own error codes found in an answer's usual places, if code-like; never its free text. */
export function sourceErrorCodes(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const errors = Array.isArray(b.errors) ? (b.errors as Record<string, unknown>[]) : [];
  const candidates = [
    b.error,
    b.code,
    b.errorCode,
    (b.error as Record<string, unknown> | undefined)?.code,
    ...errors.flatMap((e) => [e?.code, (e?.extensions as Record<string, unknown> | undefined)?.code]),
  ];
  const codes = candidates.filter((c): c is string => typeof c === 'string' && CODE_WORD.test(c));
  return [...new Set(codes)].slice(0, 3);
}

/**
 * The one line kept of a sync's failure (sync_run.error, the connection's last_error,
 * `shopiq status`): the kind, the marketplace and HTTP status, and ShopIQ's summary,
 * masked again in case a summary quoted more than it should. Never a response body.
 */
export function errorSummary(error: unknown, kind: FailureKind = failureKindOf(error)): string {
  if (isMarketplaceError(error)) {
    const status = error.status === undefined ? '' : ` HTTP ${error.status}`;
    return clip(maskText(`${kind}: ${error.marketplace}${status}: ${error.summary}`));
  }
  // not from a source: our own message, but quoted strings in it may be data (a JSON parse error quotes the input)
  const named = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  const message = error instanceof Error ? error.message : String(error);
  const line = (message.split('\n')[0] ?? '').replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"');
  return clip(maskText(`${kind}: ${named}${line}`));
}

const clip = (text: string) => (text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text);

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

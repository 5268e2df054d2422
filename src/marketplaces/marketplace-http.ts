/**
 * The HTTP layer every marketplace client sends through (one axios instance each):
 * it attaches the access token, renews it once on 401, waits out 429 for as long as
 * Retry-After says (never less), retries 5xx, resets and timeouts with jittered
 * exponential backoff, counts what it did, and turns what is left into a
 * MarketplaceError of a known kind.
 */
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Marketplace } from '../db/enums.ts';
import type { RequestPacer } from './adaptive-limiter.ts';
import type { ApiStats } from './api-stats.ts';
import { kindOfStatus, MarketplaceError, sourceErrorCodes } from './marketplace-error.ts';
import { sleep } from './sleep.ts';
import type { TokenManager } from './token-manager.ts';

export interface RetryPolicy {
  /** Attempts for 5xx, resets and timeouts. */
  maxAttempts: number;
  /** Attempts while the source keeps answering 429. */
  maxThrottledAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  maxThrottledAttempts: 30,
  baseDelayMs: 200,
  maxDelayMs: 30_000,
};

export interface MarketplaceHttpOptions {
  marketplace: Marketplace;
  baseURL: string;
  timeoutMs: number;
  stats: ApiStats;
  /** Absent for unauthenticated endpoints (OAuth token exchange). */
  tokens?: TokenManager | undefined;
  /** The headers that carry the access token. */
  authHeaders?: (accessToken: string) => Record<string, string>;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal | undefined;
  /** Spaces requests (see adaptive-limiter.ts, token-bucket-pacer.ts); a request may bring its own. */
  pacer?: RequestPacer | undefined;
  /**
   * Whether a response says the access token was refused (renewed once, then retried).
   * Default: 401. SP-API answers 403 Unauthorized for an expired token.
   */
  tokenRejected?: (response: AxiosResponse) => boolean;
}

/** Per-request options. */
export interface RequestOptions {
  /** Paces this request instead of the client's pacer (an operation's own rate limit). */
  pacer?: RequestPacer | undefined;
}

const RETRIABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_BAD_RESPONSE',
  'ERR_NETWORK',
]);

export class MarketplaceHttp {
  readonly #http: AxiosInstance;
  readonly #options: MarketplaceHttpOptions;
  readonly #retry: RetryPolicy;

  constructor(options: MarketplaceHttpOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#http = axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  get stats(): ApiStats {
    return this.#options.stats;
  }

  get signal(): AbortSignal | undefined {
    return this.#options.signal;
  }

  /** Sends `config`; resolves with a 2xx response or throws a MarketplaceError. */
  async request<T = unknown>(config: AxiosRequestConfig, options: RequestOptions = {}): Promise<AxiosResponse<T>> {
    const { marketplace, stats, tokens, signal } = this.#options;
    const pacer = options.pacer ?? this.#options.pacer;
    const tokenRejected = this.#options.tokenRejected ?? ((r: AxiosResponse) => r.status === 401);
    let failures = 0;
    let throttles = 0;
    let renewed = false;
    for (;;) {
      signal?.throwIfAborted();
      const token = tokens ? await tokens.accessToken() : undefined;
      const headers = { ...(config.headers as Record<string, string>), ...this.#authHeaders(token) };
      let response: AxiosResponse<T>;
      await pacer?.acquire(signal);
      stats.apiCalls++;
      try {
        response = await this.#http.request<T>({ ...config, headers, ...(signal ? { signal } : {}) });
      } catch (error) {
        signal?.throwIfAborted();
        const code = (error as { code?: string }).code ?? '';
        if (!RETRIABLE_NETWORK.has(code) && !axios.isAxiosError(error)) throw error;
        if (++failures >= this.#retry.maxAttempts) {
          throw new MarketplaceError(marketplace, 'temporary', `${describe(config)}: ${code || 'network error'}`, {
            cause: error,
            summary: `${describe(config)}: ${/^[A-Z_]+$/.test(code) ? code : 'network error'}`,
          });
        }
        stats.retries++;
        await sleep(this.#backoff(failures), signal);
        continue;
      }
      const { status } = response;
      if (status >= 200 && status < 300) {
        pacer?.succeeded(response.headers as Record<string, unknown>);
        return response;
      }
      if (tokens && token !== undefined && !renewed && tokenRejected(response)) {
        discard(response);
        renewed = true;
        await tokens.renewAfterRejection(token);
        continue;
      }
      discard(response);
      if (status === 429) {
        stats.throttled++;
        pacer?.throttled();
        const retryAfterMs = retryAfter(response);
        if (++throttles >= this.#retry.maxThrottledAttempts) {
          throw new MarketplaceError(marketplace, 'temporary', `${describe(config)}: still throttled`, {
            status,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          });
        }
        const wait = retryAfterMs ?? this.#backoff(throttles);
        stats.retries++;
        stats.waitedMs += wait;
        await sleep(wait, signal);
        continue;
      }
      const kind = kindOfStatus(status);
      if (kind === 'temporary' && ++failures < this.#retry.maxAttempts) {
        stats.retries++;
        await sleep(retryAfter(response) ?? this.#backoff(failures), signal);
        continue;
      }
      // the body may quote tokens or customers' details: only the source's error codes are kept
      const codes = sourceErrorCodes(response.data);
      const what = `${describe(config)}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`;
      throw new MarketplaceError(marketplace, kind, `${what}: HTTP ${status}`, { status, summary: what });
    }
  }

  #authHeaders(token: string | undefined): Record<string, string> {
    return token !== undefined && this.#options.authHeaders ? this.#options.authHeaders(token) : {};
  }

  /** Full jitter: a random wait up to base × 2^(n-1), capped. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

/** Retry-After in seconds (fractions allowed) or as an HTTP date; never a negative wait. */
export function retryAfter(response: Pick<AxiosResponse, 'headers'>): number | undefined {
  const raw = response.headers?.['retry-after'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = String(raw).trim();
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(config: AxiosRequestConfig): string {
  const path = (config.url ?? '').split('?')[0];
  return `${(config.method ?? 'get').toUpperCase()} ${path}`;
}

/** An error response read as a stream must be drained, or its socket stays busy. */
function discard(response: AxiosResponse): void {
  const data = response.data as { resume?: () => void } | undefined;
  if (data && typeof data === 'object' && typeof data.resume === 'function') data.resume();
}

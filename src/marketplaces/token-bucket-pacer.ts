/**
 * A client-side token bucket for an API that publishes its limits per operation
 * (Amazon SP-API: a rate in requests per second and a burst). Each request takes a
 * token, waiting for the refill when none is left; concurrent requests queue by
 * reservation (the balance may go below zero). A 429 means the server's bucket is
 * empty whatever ours says, so ours is emptied too. Where the API states the caller's
 * actual rate on its answers (SP-API's `x-amzn-RateLimit-Limit`, which can differ from
 * the published default per seller and app), the bucket adopts it.
 */
import type { RequestPacer } from './adaptive-limiter.ts';
import type { ApiStats } from './api-stats.ts';
import { sleep } from './sleep.ts';

export interface TokenBucketOptions {
  /** Counts the waits (`waitedMs`). */
  stats?: ApiStats;
  now?: () => number;
  /** The response header that states the rate (requests per second). */
  rateHeader?: string;
  /** Multiplies every rate, the stated ones too (sandboxes without limits). */
  scale?: number;
}

export class TokenBucketPacer implements RequestPacer {
  readonly burst: number;
  readonly #stats: ApiStats | undefined;
  readonly #now: () => number;
  readonly #rateHeader: string | undefined;
  readonly #scale: number;
  #rate: number;
  #tokens: number;
  #at: number;

  /** `rate` in requests per second. */
  constructor(rate: number, burst: number, options: TokenBucketOptions = {}) {
    if (!(rate > 0) || !(burst >= 1))
      throw new RangeError('a token bucket needs a positive rate and a burst of 1 or more');
    this.#scale = options.scale ?? 1;
    this.#rate = rate * this.#scale;
    this.burst = burst;
    this.#stats = options.stats;
    this.#now = options.now ?? Date.now;
    this.#rateHeader = options.rateHeader?.toLowerCase();
    this.#tokens = burst;
    this.#at = this.#now();
  }

  get rate(): number {
    return this.#rate;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    this.#refill();
    this.#tokens -= 1;
    if (this.#tokens >= 0) return;
    const wait = Math.ceil((-this.#tokens / this.#rate) * 1000);
    if (this.#stats) this.#stats.waitedMs += wait;
    await sleep(wait, signal);
  }

  throttled(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
  }

  succeeded(headers?: Record<string, unknown>): void {
    if (!this.#rateHeader || !headers) return;
    const stated = Number(headers[this.#rateHeader]);
    if (Number.isFinite(stated) && stated > 0) {
      this.#refill();
      this.#rate = stated * this.#scale;
    }
  }

  #refill(): void {
    const now = this.#now();
    if (now > this.#at) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
      this.#at = now;
    }
  }
}

/**
 * A client-side token bucket for an API that publishes its limits per operation
 * (Amazon SP-API: a rate in requests per second and a burst). Each request takes a
 * token, waiting for the refill when none is left; concurrent requests queue by
 * reservation (the balance may go below zero). A 429 means the server's bucket is
 * empty whatever ours says, so ours is emptied too.
 */
import type { RequestPacer } from './adaptive-limiter.ts';
import type { ApiStats } from './api-stats.ts';
import { sleep } from './sleep.ts';

export class TokenBucketPacer implements RequestPacer {
  readonly rate: number;
  readonly burst: number;
  readonly #stats: ApiStats | undefined;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  /** `rate` in requests per second; `stats.waitedMs` counts the waits. */
  constructor(rate: number, burst: number, options: { stats?: ApiStats; now?: () => number } = {}) {
    if (!(rate > 0) || !(burst >= 1))
      throw new RangeError('a token bucket needs a positive rate and a burst of 1 or more');
    this.rate = rate;
    this.burst = burst;
    this.#stats = options.stats;
    this.#now = options.now ?? Date.now;
    this.#tokens = burst;
    this.#at = this.#now();
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    this.#refill();
    this.#tokens -= 1;
    if (this.#tokens >= 0) return;
    const wait = Math.ceil((-this.#tokens / this.rate) * 1000);
    if (this.#stats) this.#stats.waitedMs += wait;
    await sleep(wait, signal);
  }

  throttled(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
  }

  succeeded(): void {}

  #refill(): void {
    const now = this.#now();
    if (now > this.#at) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
      this.#at = now;
    }
  }
}

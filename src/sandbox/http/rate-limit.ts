/**
 * Rate limits as the marketplaces publish them. A token bucket refills `rate` tokens a
 * second up to `burst` (Amazon per operation and seller; Flipkart's unpublished limit,
 * configurable); Shopify's leaky bucket is the same shape measured in query-cost points.
 * Time is the wall clock: limits concern real request pacing, not the sandbox clock.
 */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  #tokens: number;
  #at: number;

  constructor(rate: number, burst: number, now = Date.now()) {
    this.rate = rate;
    this.burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  available(now = Date.now()): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Takes `cost` tokens if there are that many; otherwise says how long until there are. */
  take(cost = 1, now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    this.#refill(now);
    if (this.#tokens >= cost) {
      this.#tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - this.#tokens) / this.rate) * 1000) };
  }

  /** Gives back what a request did not use (Shopify refunds requested minus actual cost). */
  give(amount: number, now = Date.now()): void {
    this.#refill(now);
    this.#tokens = Math.min(this.burst, this.#tokens + amount);
  }

  #refill(now: number): void {
    if (now > this.#at) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
      this.#at = now;
    }
  }
}

/** Buckets by key (operation + account), created on first use. */
export class BucketSet {
  readonly #buckets = new Map<string, TokenBucket>();
  enabled: boolean;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** Requests seen per key (operation and account), limits on or off: what clients asked for. */
  readonly requests = new Map<string, number>();

  take(key: string, rate: number, burst: number, cost = 1) {
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (!this.enabled) return { ok: true as const };
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, burst);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(cost);
  }

  bucket(key: string, rate: number, burst: number): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, burst);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

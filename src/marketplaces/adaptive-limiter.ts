/**
 * A client-side request pacer for APIs that publish no limits (Flipkart): requests are
 * spaced to a rate that starts at a configurable ceiling, halves on every 429 and
 * creeps back up (additive increase) while requests succeed.
 */
import { sleep } from './sleep.ts';

export interface RequestPacer {
  acquire(signal?: AbortSignal): Promise<void>;
  throttled(): void;
  /** A 2xx answer, with its headers (some APIs state the caller's rate there). */
  succeeded(headers?: Record<string, unknown>): void;
}

export class AdaptiveLimiter implements RequestPacer {
  readonly #ceiling: number;
  readonly #floor: number;
  #rate: number;
  #next = 0;

  /** `ceiling` and `floor` in requests per second. */
  constructor(ceiling: number, floor = 0.5) {
    this.#ceiling = ceiling;
    this.#floor = Math.min(floor, ceiling);
    this.#rate = ceiling;
  }

  get rate(): number {
    return this.#rate;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.#next);
    this.#next = at + 1000 / this.#rate;
    await sleep(at - now, signal);
  }

  throttled(): void {
    this.#rate = Math.max(this.#floor, this.#rate / 2);
  }

  succeeded(): void {
    this.#rate = Math.min(this.#ceiling, this.#rate + this.#ceiling / 50);
  }
}

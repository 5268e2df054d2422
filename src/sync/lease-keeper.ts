/**
 * Holds a seller's sync lease through a long run: renews it once a third of its
 * lifetime has passed since the last renewal (timed on this process's clock, so a skew
 * with the database's does not matter), which leaves a live run two thirds of the
 * lifetime in hand at all times; a holder with less has stopped answering.
 */
import type pg from 'pg';
import { type Lease, renewLease } from './sync-lease.ts';

export class LeaseKeeper {
  #lease: Lease;
  readonly #pool: pg.Pool;
  readonly #ttlMs: number;
  #renewedAt = Date.now();
  #renewals = 0;
  /** One renewal at a time, whichever connection's page asked for it. */
  #renewing: Promise<void> | undefined;

  constructor(pool: pg.Pool, lease: Lease, ttlMs: number) {
    this.#pool = pool;
    this.#lease = lease;
    this.#ttlMs = ttlMs;
  }

  get lease(): Lease {
    return this.#lease;
  }

  /** Renewals made so far (what holding the lease cost this run). */
  get renewals(): number {
    return this.#renewals;
  }

  /** Throws LeaseLostError when another worker took the seller over. */
  async keep(): Promise<void> {
    // a little early, so the heartbeat (every third) never just misses it
    if (Date.now() - this.#renewedAt < this.#ttlMs * 0.3) return;
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = undefined;
    });
    await this.#renewing;
  }

  async #renew(): Promise<void> {
    const at = Date.now();
    this.#lease = await renewLease(this.#pool, this.#lease, this.#ttlMs);
    this.#renewedAt = at;
    this.#renewals++;
  }
}

/** Holds a seller's sync lease through a long run: renews it once half its lifetime is gone. */
import type pg from 'pg';
import { type Lease, renewLease } from './sync-lease.ts';

export class LeaseKeeper {
  #lease: Lease;
  readonly #pool: pg.Pool;
  readonly #ttlMs: number;
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

  /** Throws LeaseLostError when another worker took the seller over. */
  async keep(): Promise<void> {
    if (this.#lease.expiresAt.getTime() - Date.now() >= this.#ttlMs / 2) return;
    this.#renewing ??= renewLease(this.#pool, this.#lease, this.#ttlMs)
      .then((lease) => {
        this.#lease = lease;
      })
      .finally(() => {
        this.#renewing = undefined;
      });
    await this.#renewing;
  }
}

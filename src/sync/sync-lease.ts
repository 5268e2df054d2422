/**
 * The per-seller sync lease. `acquire` succeeds when nobody holds the seller, the
 * holder's lease has expired, the caller already holds it, or the caller's `isGone`
 * says the holder's process no longer runs (lease-holder.ts); every change of holder
 * bumps `version`. Writers check (holder, version) inside their own transaction
 * (`assertLease`), so a worker that lost its lease while paused cannot write.
 */
import type pg from 'pg';
import type { Queryable } from '../db/pool.ts';

export interface Lease {
  userId: string;
  holder: string;
  version: number;
  expiresAt: Date;
}

export class LeaseLostError extends Error {
  constructor(lease: Pick<Lease, 'userId' | 'holder' | 'version'>) {
    super(`sync lease of seller ${lease.userId} (version ${lease.version}) is no longer held by ${lease.holder}`);
    this.name = 'LeaseLostError';
  }
}

/** The lease another run holds, as the database saw it when it was refused. */
export interface HeldLease {
  holder: string;
  expiresAt: Date;
  acquiredAt: Date;
  /** The database's clock at that moment (times above are on it). */
  now: Date;
}

export type LeaseAttempt = { lease: Lease; tookOverFrom?: string } | { lease?: undefined; heldBy: HeldLease };

/** `acquireLease`, or, when refused, a takeover from a holder `isGone` says is dead; else who holds it. */
export async function acquireLeaseOrTakeOver(
  db: Queryable,
  userId: string,
  holder: string,
  ttlMs: number,
  isGone: (holder: string) => boolean,
): Promise<LeaseAttempt> {
  // a lease released or lapsed between the claim and the look is claimed again
  for (let attempt = 1; ; attempt++) {
    const lease = await acquireLease(db, userId, holder, ttlMs);
    if (lease) return { lease };
    const held = await readHeldLease(db, userId);
    if (held && (held.expiresAt > held.now || attempt >= 3)) {
      if (!isGone(held.holder)) return { heldBy: held };
      const taken = await takeOver(db, userId, held, holder, ttlMs);
      return taken ? { lease: taken, tookOverFrom: held.holder } : { heldBy: held };
    }
    if (attempt >= 3) throw new Error(`the sync lease of seller ${userId} could not be claimed`);
  }
}

/** The seller's lease as it stands, with the database's clock; undefined when there never was one. */
export async function readHeldLease(
  db: Queryable,
  userId: string,
): Promise<(HeldLease & { version: number }) | undefined> {
  const { rows } = await db.query<{ holder: string; version: number; expires_at: Date; acquired_at: Date; now: Date }>(
    'select holder, version, expires_at, acquired_at, now() as now from sync_lease where user_id = $1',
    [userId],
  );
  const r = rows[0];
  return r && { holder: r.holder, version: r.version, expiresAt: r.expires_at, acquiredAt: r.acquired_at, now: r.now };
}

/** Takes the lease from a holder known to be gone, unless someone changed it meanwhile. */
async function takeOver(
  db: Queryable,
  userId: string,
  from: { holder: string; version: number },
  holder: string,
  ttlMs: number,
): Promise<Lease | undefined> {
  const { rows } = await db.query<{ version: number; expires_at: Date }>(
    `update sync_lease set holder = $4, version = version + 1, expires_at = now() + $5 * interval '1 millisecond',
            acquired_at = now()
      where user_id = $1 and holder = $2 and version = $3
     returning version, expires_at`,
    [userId, from.holder, from.version, holder, ttlMs],
  );
  const row = rows[0];
  return row ? { userId, holder, version: row.version, expiresAt: row.expires_at } : undefined;
}

export async function acquireLease(
  db: Queryable,
  userId: string,
  holder: string,
  ttlMs: number,
): Promise<Lease | undefined> {
  const { rows } = await db.query<{ version: number; expires_at: Date }>(
    `insert into sync_lease (user_id, holder, version, expires_at, acquired_at)
     values ($1, $2, 1, now() + $3 * interval '1 millisecond', now())
     on conflict (user_id) do update
        set holder = excluded.holder,
            version = sync_lease.version + case when sync_lease.holder = excluded.holder then 0 else 1 end,
            expires_at = excluded.expires_at,
            acquired_at = case when sync_lease.holder = excluded.holder then sync_lease.acquired_at else now() end
      where sync_lease.expires_at <= now() or sync_lease.holder = excluded.holder
     returning version, expires_at`,
    [userId, holder, ttlMs],
  );
  const row = rows[0];
  return row ? { userId, holder, version: row.version, expiresAt: row.expires_at } : undefined;
}

/** Extends a lease still held; throws LeaseLostError when it was taken over. */
export async function renewLease(db: Queryable, lease: Lease, ttlMs: number): Promise<Lease> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `update sync_lease set expires_at = now() + $4 * interval '1 millisecond'
      where user_id = $1 and holder = $2 and version = $3 returning expires_at`,
    [lease.userId, lease.holder, lease.version, ttlMs],
  );
  if (!rows[0]) throw new LeaseLostError(lease);
  return { ...lease, expiresAt: rows[0].expires_at };
}

export async function releaseLease(db: Queryable, lease: Lease): Promise<void> {
  await db.query('update sync_lease set expires_at = now() where user_id = $1 and holder = $2 and version = $3', [
    lease.userId,
    lease.holder,
    lease.version,
  ]);
}

/**
 * Inside a write transaction: holds a share lock on the lease row until commit, so a
 * takeover waits for this write and every later write of the old holder fails.
 */
export async function assertLease(
  client: pg.PoolClient,
  lease: Pick<Lease, 'userId' | 'holder' | 'version'>,
): Promise<void> {
  const { rowCount } = await client.query(
    'select 1 from sync_lease where user_id = $1 and holder = $2 and version = $3 for share',
    [lease.userId, lease.holder, lease.version],
  );
  if (rowCount === 0) throw new LeaseLostError(lease);
}

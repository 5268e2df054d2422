/**
 * ShopIQ's connection pools. `pg`'s `Pool.end()` resolves while its connections are
 * still closing: a server stopped right after (embedded PostgreSQL at shutdown) would
 * have them fail mid-goodbye. `closePool` waits until every connection has closed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../logging/logger.ts';

/** What runs a query: a pool, or a client of one (inside a transaction). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export function openPool(url: string, max: number, log: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // an idle connection the server dropped: the pool replaces it on next use
  pool.on('error', (err) => log.warn({ err }, 'database pool error'));
  return pool;
}

/** Ends the pool and waits (up to `boundMs`) until its connections have closed. */
export async function closePool(pool: pg.Pool, boundMs = 5000): Promise<void> {
  const open = pool.totalCount;
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (++closed >= open) resolve();
    });
  });
  await pool.end();
  await Promise.race([allClosed, delay(boundMs, undefined, { ref: false })]);
}

/**
 * Runs `work` in one transaction on a client of the pool: committed if it returns, rolled
 * back if it throws. `begin` replaces the plain `begin` (e.g. to open it read only and
 * set transaction-local settings in the same round trip).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { begin?: string } = {},
): Promise<T> {
  const client = await pool.connect();
  // a connection dropped while checked out is reported on the client, where an unheard
  // 'error' would end the process; the query in flight fails with it anyway
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query(options.begin ?? 'begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.off('error', onError);
    // a broken connection is destroyed rather than handed to the next caller
    client.release(broken);
  }
}

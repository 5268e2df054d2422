/**
 * One schema change at a time per database: `shopiq migrate`, every start that
 * migrates, and Agenda's job-store DDL take a PostgreSQL advisory lock (session level,
 * on a connection of its own) around their work. Two pods starting together apply each
 * migration once: the second waits, then finds nothing pending. A holder that dies
 * releases the lock with its connection.
 */
import pg from 'pg';

const SCHEMA_LOCK = `hashtextextended('shopiq:schema', 0)`;

/** `db`: a connection URL (a client is opened for the lock) or a pool (one of its clients holds it). */
export async function withSchemaLock<T>(db: string | pg.Pool, work: () => Promise<T>): Promise<T> {
  const own = typeof db === 'string' ? new pg.Client({ connectionString: db }) : undefined;
  if (own) {
    // a connection lost while the lock is held fails the query in flight; unheard, it would end the process
    own.on('error', () => {});
    await own.connect();
  }
  const client = own ?? (await (db as pg.Pool).connect());
  try {
    await client.query(`select pg_advisory_lock(${SCHEMA_LOCK})`);
    try {
      return await work();
    } finally {
      await client.query(`select pg_advisory_unlock(${SCHEMA_LOCK})`).catch(() => {});
    }
  } finally {
    if (own) await own.end().catch(() => {});
    else (client as pg.PoolClient).release();
  }
}

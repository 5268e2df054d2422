import type pg from 'pg';
import type { Config } from '../config/config.ts';
import { resolveKeyring } from '../crypto/keyring.ts';
import { TokenVault } from '../crypto/token-vault.ts';
import { acquireDatabase, type DatabaseHandle } from '../db/database.ts';
import { applyMigrations } from '../db/migrate.ts';
import { type MikroORM, openOrm } from '../db/orm.ts';
import { closePool, openPool } from '../db/pool.ts';
import { openJobStore } from '../jobs/job-store.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import type { Logger } from '../logging/logger.ts';

/** Runs a one-shot command against the database (embedded or DATABASE_URL), then lets go of it. */
export async function withDatabase<T>(
  config: Config,
  log: Logger,
  run: (orm: MikroORM, database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const database = await acquireDatabase(config, log);
  try {
    const orm = await openOrm({ databaseUrl: database.url, log, poolMax: 2 });
    try {
      return await run(orm, database);
    } finally {
      await orm.close(true);
    }
  } finally {
    await database.release();
  }
}

export interface CommandServices {
  orm: MikroORM;
  database: DatabaseHandle;
  /** For the sync engine's bulk SQL. */
  pool: pg.Pool;
  vault: TokenVault;
  /** The job scheduler, opened on first use (schedules, on-demand syncs); closed at the end. */
  scheduler(): Promise<Scheduler>;
}

/** A one-shot command that reads and writes sellers' data: migrated schema, a pool, the token vault. */
export async function withServices<T>(
  config: Config,
  log: Logger,
  run: (services: CommandServices) => Promise<T>,
): Promise<T> {
  const vault = new TokenVault(resolveKeyring(config, log));
  return withDatabase(config, log, async (orm, database) => {
    await applyMigrations(orm);
    const pool = openPool(database.url, 8, log);
    let scheduler: Promise<Scheduler> | undefined;
    try {
      return await run({
        orm,
        database,
        pool,
        vault,
        scheduler: () => {
          scheduler ??= openJobStore({ config, pool, log }).then(
            (store) => new Scheduler(store, { config, pool, log }),
          );
          return scheduler;
        },
      });
    } finally {
      await (await scheduler?.catch(() => undefined))?.stop(0);
      await closePool(pool);
    }
  });
}

import type { Config } from '../config/config.ts';
import { acquireDatabase, type DatabaseHandle } from '../db/database.ts';
import { type MikroORM, openOrm } from '../db/orm.ts';
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

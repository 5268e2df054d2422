/**
 * MikroORM on PostgreSQL: one configuration for the service, the CLI, the migration
 * generator and the tests.
 */
import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.ts';
import { ENTITIES } from './entities/index.ts';

export type { EntityManager } from '@mikro-orm/postgresql';
export { MikroORM };

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/** Tables other components own in the same database (Agenda's job store); the schema tooling leaves them alone. */
export const FOREIGN_TABLES: (string | RegExp)[] = [/^agenda/];

export interface OrmOptions {
  databaseUrl: string;
  log: Logger;
  poolMax?: number;
}

export function ormConfig({ databaseUrl, log, poolMax = 10 }: OrmOptions): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { checkDuplicateTableNames: true },
    pool: { min: 0, max: poolMax },
    debug: false,
    colors: false,
    logger: (message) => log.debug({ component: 'orm' }, message),
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      tableName: MIGRATIONS_TABLE,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      emit: 'ts',
    },
    schemaGenerator: { skipTables: FOREIGN_TABLES },
  });
}

export async function openOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}

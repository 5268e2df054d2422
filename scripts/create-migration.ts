/**
 * Generates the next migration from the difference between the entities and the
 * schema the committed migrations produce. Runs against a throwaway embedded
 * PostgreSQL (or DATABASE_URL). Usage: npm run migration:create [-- name]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { openOrm } from '../src/db/orm.ts';
import { createLogger } from '../src/logging/logger.ts';

const log = createLogger({ logLevel: 'info' });
const home = mkdtempSync(path.join(os.tmpdir(), 'shopiq-migration-'));
const server = await startEmbeddedPostgres({ home, log, ephemeral: true });
const orm = await openOrm({ databaseUrl: server.url, log });
try {
  await applyMigrations(orm);
  const name = process.argv[2];
  const initial = (await orm.migrator.getExecuted()).length === 0;
  const result = await orm.migrator.create(undefined, false, initial, name);
  if (!result.fileName) log.info('entities and migrations agree: no migration needed');
  else log.info({ file: result.fileName, statements: result.diff.up.length }, 'migration written');
} finally {
  await orm.close(true);
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}

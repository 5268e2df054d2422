/**
 * One PostgreSQL for the whole run: DATABASE_URL when given, else an embedded server
 * in a temporary folder (through the same code the service uses). A template database
 * is migrated once; each test file clones it (see test/support/test-database.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { withDatabase } from '../../src/db/database-url.ts';
import { type EmbeddedDatabase, ensureDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { openOrm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { dropDatabase } from '../support/pg-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

const TEMPLATE = `shopiq_test_template_${process.pid}`;

export default async function setup(project: TestProject) {
  const log = createLogger({ logLevel: 'warn' });
  let embedded: EmbeddedDatabase | undefined;
  let home: string | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    home = mkdtempSync(path.join(os.tmpdir(), 'shopiq-test-'));
    embedded = await startEmbeddedPostgres({ home, log, ephemeral: true });
    adminUrl = embedded.adminUrl;
  }
  await dropDatabase(adminUrl, TEMPLATE);
  await ensureDatabase(adminUrl, TEMPLATE);
  const orm = await openOrm({ databaseUrl: withDatabase(adminUrl, TEMPLATE), log });
  try {
    await applyMigrations(orm);
  } finally {
    await orm.close(true);
  }
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', TEMPLATE);

  return async () => {
    await dropDatabase(adminUrl, TEMPLATE).catch(() => {});
    await embedded?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  };
}

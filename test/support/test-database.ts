/**
 * A database of its own for one test file: a clone of the migrated template
 * (`migrated: true`, the default) or an empty one. Dropped by the returned function.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { withDatabase } from '../../src/db/database-url.ts';
import { ensureDatabase } from '../../src/db/embedded-postgres.ts';
import { dropDatabase } from './pg-admin.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `shopiq_test_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(adminUrl, name, options.migrated === false ? undefined : inject('pgTemplate'));
  return { url: withDatabase(adminUrl, name), name, drop: () => dropDatabase(adminUrl, name) };
}

/**
 * Jobs in tests: a scheduler on a job store of the test's choosing (PostgreSQL, or
 * MongoDB when MONGODB_URL is set), closed after the file.
 */
import type pg from 'pg';
import { it } from 'vitest';
import type { Config } from '../../src/config/config.ts';
import { openJobStore } from '../../src/jobs/job-store.ts';
import { Scheduler, type SchedulerOptions } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { testConfig } from './test-config.ts';

export interface JobStoreCase {
  name: string;
  /** Extra environment selecting the store. */
  env: Record<string, string>;
  /** Why the case cannot run here, if it cannot. */
  skip: string | undefined;
}

const mongodbUrl = process.env.MONGODB_URL;

/** The job tests run once per store. */
export const JOB_STORES: JobStoreCase[] = [
  { name: 'PostgreSQL', env: {}, skip: undefined },
  {
    name: 'MongoDB',
    env: mongodbUrl ? { MONGODB_URL: mongodbUrl } : {},
    skip: mongodbUrl ? undefined : 'MONGODB_URL is not set (no MongoDB server on this machine)',
  },
];

/**
 * `it` for one store: where the store cannot run here, the test is skipped with the
 * reason as its note (the run's summary lists it).
 */
export function itOnStore(store: JobStoreCase) {
  return (name: string, fn: () => Promise<void>, timeoutMs?: number) =>
    it(
      name,
      async (ctx) => {
        if (store.skip) ctx.skip(store.skip);
        await fn();
      },
      timeoutMs,
    );
}

/** A configuration for one test database; a MongoDB store gets a database named after it. */
export function jobConfig(
  database: { url: string; name: string },
  store: JobStoreCase,
  env: Record<string, string> = {},
): Config {
  const mongo = store.env.MONGODB_URL ? new URL(store.env.MONGODB_URL) : undefined;
  if (mongo) mongo.pathname = `/${database.name}`;
  return testConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    ...(mongo ? { MONGODB_URL: mongo.toString() } : {}),
    ...env,
  });
}

export async function openScheduler(
  config: Config,
  pool: pg.Pool,
  options: Pick<SchedulerOptions, 'clock' | 'backfillTiming'> = {},
): Promise<Scheduler> {
  const log = createLogger({ logLevel: 'silent' });
  const store = await openJobStore({ config, pool, log });
  return new Scheduler(store, { config, pool, log, ...options });
}

/**
 * Where Agenda keeps its jobs: ShopIQ's own PostgreSQL (`agenda_jobs`, with LISTEN/NOTIFY
 * so an on-demand job starts at once), or MongoDB when `MONGODB_URL` is set (polled:
 * an on-demand job waits for the next scan, up to `processEvery`). MikroORM's schema
 * tooling leaves the `agenda*` tables alone (orm.ts, FOREIGN_TABLES).
 *
 * A backend is connected here, before Agenda sees it, so a database that cannot be
 * reached fails the caller instead of leaving Agenda waiting forever.
 *
 * Agenda locks due jobs at each scan (`processEvery`), at most a definition's
 * `lockLimit` of them, and not again until the next scan: a job finishing early frees
 * its lane until then. When many jobs of a kind are due at once (every seller's digest at
 * 09:00) a worker would run one batch per scan, however fast each job ends. `wake`
 * tells the workers that jobs of a kind may be waiting now, so each with a free lane
 * locks the next at once (the same notification a job saved to run now sends).
 */
import os from 'node:os';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda, type AgendaBackend, type Job, type NotificationChannel } from 'agenda';
import type pg from 'pg';
import type { Config } from '../config/config.ts';
import { withSchemaLock } from '../db/schema-lock.ts';
import type { Logger } from '../logging/logger.ts';

export const JOBS_TABLE = 'agenda_jobs';

/** A save that lost a race to another for the same seller's job (PostgreSQL 23505, MongoDB 11000). */
export function isDuplicateJob(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 11000;
}

export interface JobStore {
  agenda: Agenda;
  kind: 'postgres' | 'mongodb';
  /** How often a worker scans for due jobs (and for jobs whose worker died). */
  processEveryMs: number;
  /**
   * `job` has ended here: every worker with a free lane for its kind looks for the next
   * one due now, rather than at its next scan. Nothing where the store has no
   * notifications (MongoDB: the next scan).
   */
  wake(job: Job): Promise<void>;
  close(): Promise<void>;
}

export interface JobStoreOptions {
  config: Pick<Config, 'mongodbUrl' | 'jobs'>;
  /** ShopIQ's pool; Agenda borrows it (and keeps one client for LISTEN). */
  pool: pg.Pool;
  log: Logger;
}

export async function openJobStore({ config, pool, log }: JobStoreOptions): Promise<JobStore> {
  // scan often enough that a dead worker's job is taken over soon after its lock lapses
  const processEveryMs = Math.min(5000, Math.max(250, Math.floor(config.jobs.lockLifetimeMs / 2)));
  const { backend, kind, close } = config.mongodbUrl
    ? await mongoBackend(config.mongodbUrl)
    : await postgresBackend(pool);
  const agenda = new Agenda({
    backend,
    name: `${os.hostname()}:${process.pid}`,
    processEvery: processEveryMs,
    defaultLockLifetime: config.jobs.lockLifetimeMs,
  });
  agenda.on('error', (err: Error) => log.error({ err }, 'job store error'));
  // the LISTEN connection reports its losses here (and reconnects): unheard, one would end the process
  const channel = backend.notificationChannel as
    | (NotificationChannel & { on?: (event: 'error', listener: (err: Error) => void) => void })
    | undefined;
  channel?.on?.('error', (err) => log.warn({ err }, 'job notifications interrupted: reconnecting'));
  await agenda.ready;
  const wake = async (job: Job) => {
    if (channel?.state !== 'connected' || job.attrs._id === undefined) return;
    // the ended job's id and name, due now: Agenda's workers fill their queue of that name
    await channel.publish({
      jobId: job.attrs._id,
      jobName: job.attrs.name,
      nextRunAt: new Date(),
      priority: job.attrs.priority ?? 0,
      timestamp: new Date(),
      source: agenda.attrs.name,
    });
  };
  return { agenda, kind, processEveryMs, wake, close };
}

async function postgresBackend(pool: pg.Pool) {
  const backend = new PostgresBackend({ pool, tableName: JOBS_TABLE });
  // the backend creates its table and indexes if missing: one process at a time (schema-lock.ts)
  await withSchemaLock(pool, async () => {
    await backend.connect();
    // one job of a kind per seller, whoever saves it at the same moment
    await pool.query(
      `create unique index if not exists ${JOBS_TABLE}_seller_idx on ${JOBS_TABLE} (name, (data->>'userId'))
        where data ? 'userId'`,
    );
    // per-seller jobs are found by their data (queryJobs' `data @>`)
    await pool.query(
      `create index if not exists ${JOBS_TABLE}_data_idx on ${JOBS_TABLE} using gin (data jsonb_path_ops)`,
    );
  });
  return { backend: connectedOnce(backend), kind: 'postgres' as const, close: async () => {} };
}

async function mongoBackend(url: string) {
  const [{ MongoClient }, { MongoBackend }] = await Promise.all([import('mongodb'), import('@agendajs/mongo-backend')]);
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db();
  const backend = new MongoBackend({ mongo: db, collection: JOBS_TABLE });
  await backend.connect();
  await db
    .collection(JOBS_TABLE)
    .createIndex(
      { name: 1, 'data.userId': 1 },
      { unique: true, partialFilterExpression: { 'data.userId': { $exists: true } } },
    );
  return { backend: connectedOnce(backend), kind: 'mongodb' as const, close: () => client.close() };
}

/** The backend as Agenda sees it: already connected (Agenda's own connect would swallow a failure). */
function connectedOnce(inner: AgendaBackend): AgendaBackend {
  return {
    name: inner.name,
    repository: inner.repository,
    notificationChannel: inner.notificationChannel,
    logger: inner.logger,
    ownsConnection: false,
    connect: async () => {},
    disconnect: () => inner.disconnect(),
  };
}

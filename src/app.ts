/**
 * The composition root: `createApp(config)` wires logger, keyring, database, ORM,
 * migrations and HTTP; the CLI and the tests build the service through it.
 * Roles: `web` serves HTTP, `worker` processes jobs, `all` does both.
 */
import type pg from 'pg';
import type { Config, Role } from './config/config.ts';
import { resolveKeyring } from './crypto/keyring.ts';
import { TokenVault } from './crypto/token-vault.ts';
import { acquireDatabase, type DatabaseHandle } from './db/database.ts';
import { applyMigrations } from './db/migrate.ts';
import { migrationState } from './db/migration-state.ts';
import { type MikroORM, openOrm } from './db/orm.ts';
import { closePool, openPool } from './db/pool.ts';
import { cronRouter } from './http/cron-router.ts';
import { createHttpApp } from './http/http-app.ts';
import { listen, type RunningServer } from './http/http-server.ts';
import { openJobStore } from './jobs/job-store.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { createLogger, type Logger } from './logging/logger.ts';

export interface AppOptions {
  role?: Role;
  log?: Logger;
}

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly role: Role;
  /** Available once started. */
  readonly orm: MikroORM;
  readonly vault: TokenVault;
  readonly database: DatabaseHandle;
  /** For the sync engine's and analytics' SQL. */
  readonly pool: pg.Pool;
  /** Jobs: schedules, on-demand syncs (and, in a worker, their processing). */
  readonly scheduler: Scheduler;
  /** Base URL of the HTTP server (web role). */
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createApp(config: Config, options: AppOptions = {}): App {
  const log = options.log ?? createLogger(config);
  const role = options.role ?? 'all';
  let vault: TokenVault | undefined;
  let database: DatabaseHandle | undefined;
  let orm: MikroORM | undefined;
  let pool: pg.Pool | undefined;
  let scheduler: Scheduler | undefined;
  let server: RunningServer | undefined;
  let starting: Promise<void> | undefined;
  let tearingDown: Promise<void> | undefined;

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`app not started: ${what} is not available`);
    return value;
  };

  function start(): Promise<void> {
    starting ??= boot();
    return starting;
  }

  async function boot(): Promise<void> {
    try {
      vault = new TokenVault(resolveKeyring(config, log));
      database = await acquireDatabase(config, log);
      log.info({ database: database.displayUrl, kind: database.kind }, 'database in use');
      orm = await openOrm({ databaseUrl: database.url, log });
      const applied = await applyMigrations(orm);
      if (applied.length > 0) log.info({ migrations: applied }, 'applied database migrations');
      // the sync engine's bulk SQL and Agenda's jobs (one client of it listens for on-demand jobs)
      pool = openPool(database.url, 4 * config.jobs.syncConcurrency + 4, log);
      scheduler = new Scheduler(await openJobStore({ config, pool, log }), { config, pool, log });
      if (role === 'worker' || role === 'all') await scheduler.work({ pool, vault, config, log });
      else await scheduler.listen();
      // every role answers the health probes; only web serves the rest
      const db = orm;
      const cronSecret = role === 'worker' ? undefined : config.cronSecret;
      const http = createHttpApp({
        log,
        readiness: { check: async () => (await migrationState(db)).problems },
        routers: cronSecret ? [{ path: '/api/cron', router: cronRouter({ secret: cronSecret, scheduler, log }) }] : [],
      });
      server = await listen(http, config.host, config.port);
      log.info({ role, url: server?.url, database: database.displayUrl }, 'ShopIQ is up');
    } catch (error) {
      await teardown();
      throw error;
    }
  }

  /** Waits for a start in progress, then tears down. Idempotent. */
  async function stop(): Promise<void> {
    await starting?.catch(() => {});
    await teardown();
  }

  /** Each part stops even when another fails. */
  function teardown(): Promise<void> {
    tearingDown ??= (async () => {
      const deadline = config.shutdownTimeoutMs;
      await server?.close(Math.floor(deadline / 4)).catch((err: unknown) => log.warn({ err }, 'closing HTTP failed'));
      // running jobs get half the time to finish; then they stop at their next page
      await scheduler
        ?.stop(Math.floor(deadline / 2))
        .catch((err: unknown) => log.warn({ err }, 'stopping the job worker failed'));
      await (pool && closePool(pool))?.catch((err: unknown) => log.warn({ err }, 'closing the database pool failed'));
      await orm?.close(true).catch((err: unknown) => log.warn({ err }, 'closing the database pool failed'));
      await database?.release().catch((err: unknown) => log.warn({ err }, 'stopping embedded PostgreSQL failed'));
      log.info('ShopIQ stopped');
    })();
    return tearingDown;
  }

  return {
    config,
    log,
    role,
    get orm() {
      return started(orm, 'orm');
    },
    get vault() {
      return started(vault, 'vault');
    },
    get database() {
      return started(database, 'database');
    },
    get pool() {
      return started(pool, 'pool');
    },
    get scheduler() {
      return started(scheduler, 'scheduler');
    },
    get url() {
      return started(server, 'http server').url;
    },
    start,
    stop,
  };
}

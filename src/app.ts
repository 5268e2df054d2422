/**
 * The composition root: `createApp(config)` wires logger, keyring, database, ORM,
 * migrations and HTTP; the CLI and the tests build the service through it.
 * Roles: `web` serves HTTP, `worker` processes jobs, `all` does both.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Router } from 'express';
import type pg from 'pg';
import { ChatGateway } from './channels/chat-gateway.ts';
import type { ChatNotifier } from './channels/chat-notifier.ts';
import { createChatNotifier } from './channels/notifier.ts';
import { createSlackChannel, type SlackChannel } from './channels/slack/slack-app.ts';
import { twilioRest } from './channels/whatsapp/twilio-rest.ts';
import { WhatsAppOutput } from './channels/whatsapp/whatsapp-output.ts';
import { whatsappRouter } from './channels/whatsapp/whatsapp-router.ts';
import { WhatsAppSender } from './channels/whatsapp/whatsapp-sender.ts';
import type { Config, Role } from './config/config.ts';
import { ConnectService } from './connections/connect-service.ts';
import { shopifyWebhooksRouter } from './connections/shopify-webhooks.ts';
import type { ConversationEngine } from './conversation/conversation-engine.ts';
import { createConversationEngine } from './conversation/create-engine.ts';
import type { LlmClient } from './conversation/llm/llm-client.ts';
import { resolveKeyring } from './crypto/keyring.ts';
import { TokenVault } from './crypto/token-vault.ts';
import { acquireDatabase, type DatabaseHandle } from './db/database.ts';
import { applyMigrations, waitForSchema } from './db/migrate.ts';
import { migrationState } from './db/migration-state.ts';
import { type MikroORM, openOrm } from './db/orm.ts';
import { closePool, openPool } from './db/pool.ts';
import { cronRouter } from './http/cron-router.ts';
import { createHttpApp } from './http/http-app.ts';
import { listen, type RunningServer } from './http/http-server.ts';
import { JOBS_TABLE, openJobStore } from './jobs/job-store.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { mediaRouter } from './media/media-router.ts';
import { oauthRouter } from './oauth/oauth-router.ts';
import { metrics, startMetricsServer } from './observability/metrics.ts';

export interface AppOptions {
  role?: Role;
  log?: Logger;
  /** The model the conversation engine uses instead of the configured one (benchmarks script it). */
  llm?: LlmClient;
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
  /** The conversation engine every chat channel of this process answers through. */
  readonly engine: ConversationEngine;
  /** Where chat channels hand their messages (web role). */
  readonly gateway: ChatGateway;
  /** Messages ShopIQ starts itself (a connection's outcome, a backfill's progress), in any role. */
  readonly notifier: ChatNotifier;
  /** Connecting and disconnecting marketplaces (chat commands, the OAuth routes). */
  readonly connections: ConnectService;
  /**
   * The demo seller a new chat identity may look at (`demo`), and the demo's sandbox,
   * which `connect` then goes through; undefined: no demo.
   */
  setDemo(demo: { userId: string; sandboxUrl: string } | undefined): void;
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
  let metricsServer: RunningServer | undefined;
  let forgetPool: (() => void) | undefined;
  let engine: ConversationEngine | undefined;
  let gateway: ChatGateway | undefined;
  let notifier: ChatNotifier | undefined;
  let slack: SlackChannel | undefined;
  let demo: { userId: string; sandboxUrl: string } | undefined;
  let connections: ConnectService | undefined;
  let starting: Promise<void> | undefined;
  let tearingDown: Promise<void> | undefined;
  /** Aborted by stop(): a start still waiting (for the schema) gives up. */
  const stopRequested = new AbortController();

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
      if (config.migrateOnStart) {
        const applied = await applyMigrations(orm);
        if (applied.length > 0) log.info({ migrations: applied }, 'applied database migrations');
      } else {
        await waitForSchema(orm, log, stopRequested.signal);
      }
      // the sync engine's bulk SQL and Agenda's jobs (one client of it listens for on-demand jobs)
      pool = openPool(database.url, 4 * config.jobs.syncConcurrency + 4, log);
      // metrics are recorded from here on, the worker's first syncs included
      if (config.metricsPort !== undefined) {
        metricsServer = await startMetricsServer(config.host, config.metricsPort);
        log.info({ metrics: `${metricsServer.url}/metrics` }, 'metrics served');
      }
      forgetPool = metrics.watchPool(pool);
      // one WhatsApp sender a process: answers and notices share its pace
      const whatsappSender =
        config.twilio && new WhatsAppSender(twilioRest(config.twilio), config.twilio, config.publicBaseUrl, log);
      notifier = createChatNotifier({ config, db: pool, vault, log, whatsappSender });
      const store = await openJobStore({ config, pool, log });
      if (store.kind === 'postgres') metrics.watchJobs(pool, JOBS_TABLE);
      scheduler = new Scheduler(store, { config, pool, log });
      if (role === 'worker' || role === 'all') await scheduler.work({ pool, vault, config, log }, notifier);
      else await scheduler.listen();
      const jobs = scheduler;
      connections = new ConnectService({
        db: pool,
        vault,
        config,
        log,
        sandboxUrl: () => config.sandboxUrl ?? demo?.sandboxUrl,
        notifier,
        schedule: (userId) => jobs.scheduleSeller(userId),
        backfill: (connectionId, announce) => jobs.requestBackfill(connectionId, announce),
      });
      engine = createConversationEngine({
        config,
        db: pool,
        log,
        scheduler,
        demoUserId: () => demo?.userId,
        connections,
        llm: options.llm,
      });
      // every role answers the health probes; only web serves the rest
      const routers: { path: string; router: Router }[] = [];
      if (role !== 'worker') {
        gateway = new ChatGateway({ db: pool, engine, log, maxConcurrentTurns: config.conversation.concurrency });
        if (config.cronSecret)
          routers.push({ path: '/api/cron', router: cronRouter({ secret: config.cronSecret, scheduler, log }) });
        routers.push({ path: '/', router: mediaRouter({ db: pool, log }) });
        routers.push({
          path: '/oauth',
          router: oauthRouter({ db: pool, connections, publicBaseUrl: config.publicBaseUrl, log }),
        });
        if (config.shopify.apiSecret) {
          routers.push({
            path: '/webhooks/shopify',
            router: shopifyWebhooksRouter({ db: pool, secret: config.shopify.apiSecret, log }),
          });
        }
        if (config.twilio && whatsappSender) {
          const outputDeps = { sender: whatsappSender, db: pool, publicBaseUrl: config.publicBaseUrl, log };
          routers.push({
            path: '/twilio',
            router: whatsappRouter({
              twilio: config.twilio,
              publicBaseUrl: config.publicBaseUrl,
              gateway,
              db: pool,
              log,
              outputFor: (number) => new WhatsAppOutput(outputDeps, number),
            }),
          });
          log.info({ from: config.twilio.whatsappFrom }, 'WhatsApp channel on');
        }
        if (config.slack) {
          slack = createSlackChannel(config.slack, {
            gateway,
            db: pool,
            log,
            scheduler,
            staleAfterMs: config.conversation.staleAfterMs,
            vault,
            publicBaseUrl: config.publicBaseUrl,
          });
          await slack.start();
          if (slack.router) routers.push({ path: '/', router: slack.router });
          log.info({ socketMode: config.slack.socketMode }, 'Slack channel on');
        }
      }
      const db = orm;
      const http = createHttpApp({
        log,
        // probes get the problems' names; what the driver said goes to the log, never out
        readiness: {
          check: async () => {
            const { problems } = await migrationState(db);
            for (const p of problems) log.debug({ problem: p.name }, p.detail);
            return problems.map((p) => p.name);
          },
        },
        routers,
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
    stopRequested.abort(new Error('ShopIQ is stopping'));
    await starting?.catch(() => {});
    await teardown();
  }

  /** Each part stops even when another fails. */
  function teardown(): Promise<void> {
    tearingDown ??= (async () => {
      const deadline = config.shutdownTimeoutMs;
      await slack?.stop().catch((err: unknown) => log.warn({ err }, 'stopping the Slack channel failed'));
      await metricsServer?.close(1000);
      forgetPool?.();
      await server?.close(Math.floor(deadline / 4)).catch((err: unknown) => log.warn({ err }, 'closing HTTP failed'));
      // answers being written get a quarter of the time; follow-ups still waiting are dropped
      engine?.close();
      await Promise.race([gateway?.idle(), delay(Math.floor(deadline / 4), undefined, { ref: false })]);
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
    get engine() {
      return started(engine, 'conversation engine');
    },
    get gateway() {
      return started(gateway, 'chat gateway (web role)');
    },
    get notifier() {
      return started(notifier, 'notifier');
    },
    get connections() {
      return started(connections, 'connections');
    },
    setDemo(value) {
      demo = value;
    },
    start,
    stop,
  };
}

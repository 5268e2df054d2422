/**
 * The Slack channel: a Bolt 5 app whose listeners feed the chat gateway. Over HTTP its
 * `ExpressReceiver` router is mounted on the service's one express app and owns
 * `POST /slack/events` (events, the `/shopiq` command, interactivity: signature
 * checked over the raw body, 401 when it fails; bodies over 1 MB get 413 before
 * parsing) and, with OAuth settings, `/slack/install` and `/slack/oauth_redirect`.
 * With `SLACK_SOCKET_MODE=true` it connects out to Slack instead, for local use
 * without a public URL. Only the web role runs it.
 */
import { App, type Logger as BoltLogger, ExpressReceiver, LogLevel } from '@slack/bolt';
import type { InstallationStore } from '@slack/oauth';
import express, { type Router } from 'express';
import type { SlackConfig } from '../../config/config.ts';
import type { TokenVault } from '../../crypto/token-vault.ts';
import type { Logger } from '../../logging/logger.ts';
import { registerListeners } from './listeners/index.ts';
import { PostgresInstallationStore } from './slack-installation-store.ts';
import type { SlackDeps } from './slack-turn.ts';

export const SLACK_ROUTES = {
  events: '/slack/events',
  install: '/slack/install',
  oauthRedirect: '/slack/oauth_redirect',
} as const;

/** The bot scopes an install asks for (CHANNELS.md), the manifest's too. */
export const SLACK_BOT_SCOPES = [
  'chat:write',
  'im:history',
  'im:read',
  'im:write',
  'app_mentions:read',
  'channels:history',
  'groups:history',
  'commands',
  'files:write',
  'users:read',
  'assistant:write',
];

const SLACK_BODY_LIMIT = '1mb';

/** How every Web API client of ShopIQ calls Slack. */
export function slackClientOptions(config: Pick<SlackConfig, 'apiUrl'>) {
  // a Slack call that hangs must not hold an answer (or the calls queued behind it) for ever
  return { slackApiUrl: config.apiUrl, retryConfig: { retries: 2 }, timeout: 10_000 };
}

export interface SlackChannel {
  /** Mounted at the root of the express app (HTTP mode). */
  router: Router | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackChannel(
  config: SlackConfig,
  deps: SlackDeps & { vault: TokenVault; publicBaseUrl: string },
): SlackChannel {
  const logger = boltLogger(deps.log.child({ component: 'slack' }));
  const clientOptions = slackClientOptions(config);
  const store: InstallationStore | undefined = config.oauth
    ? new PostgresInstallationStore(deps.db, deps.vault)
    : undefined;
  const oauth = config.oauth && {
    clientId: config.oauth.clientId,
    clientSecret: config.oauth.clientSecret,
    stateSecret: config.oauth.stateSecret,
    installationStore: store,
    scopes: SLACK_BOT_SCOPES,
    redirectUri: `${deps.publicBaseUrl}${SLACK_ROUTES.oauthRedirect}`,
  };
  // one workspace: its bot token; any workspace: the installation store answers per request
  const auth = config.botToken ? { token: config.botToken } : {};
  let receiver: ExpressReceiver | undefined;
  let app: App;
  if (config.socketMode) {
    // one workspace only: installs need the HTTP routes (config requires the bot token here)
    app = new App({
      ...auth,
      appToken: config.appToken,
      socketMode: true,
      logger,
      clientOptions,
      deferInitialization: true,
    });
  } else {
    receiver = new ExpressReceiver({
      signingSecret: config.signingSecret ?? '',
      endpoints: SLACK_ROUTES.events,
      processBeforeResponse: false,
      bodyLimit: SLACK_BODY_LIMIT,
      router: express.Router(),
      logger,
      ...oauth,
      installerOptions: {
        clientOptions,
        directInstall: true,
        installPath: SLACK_ROUTES.install,
        redirectUriPath: SLACK_ROUTES.oauthRedirect,
      },
    });
    app = new App({ ...auth, receiver, logger, clientOptions, deferInitialization: true });
  }
  registerListeners(app, deps, store);
  app.error(async (err) => {
    deps.log.error({ err: err.original ?? err, errorCode: err.code }, 'a Slack listener failed');
  });
  let started = false;
  return {
    router: receiver?.router as Router | undefined,
    async start() {
      // checks the bot token (auth.test) and learns the bot's user id
      await app.init();
      if (config.socketMode) await app.start();
      started = true;
    },
    async stop() {
      if (started && config.socketMode) await app.stop();
      started = false;
    },
  };
}

/** The Web API client's dumps of whole requests and results: they hold OAuth codes and secrets. */
const RAW_HTTP = /^http request (body|headers|result)/;

/** Bolt's (and the Web API client's) log lines into pino, at their own levels. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => {
      const line = text(msg);
      if (!RAW_HTTP.test(line)) log.debug(line);
    },
    info: (...msg) => log.info(text(msg)),
    warn: (...msg) => log.warn(text(msg)),
    error: (...msg) => log.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

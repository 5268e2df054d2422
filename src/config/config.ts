/**
 * Configuration, parsed once at boot from the environment (plus an optional `.env`
 * file whose values never override the real environment). Nothing else in ShopIQ
 * reads `process.env`: the parsed `Config` is passed down.
 *
 * A bad value is reported as one line naming the variable and what is expected;
 * secret values are never echoed back.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { maskDatabaseUrl } from '../db/database-url.ts';
import type { NoticeKind } from '../db/enums.ts';
import { AppError } from '../errors/app-error.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const ROLES = ['web', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

export interface KeyringConfig {
  /** key id → 32-byte AES-256 key */
  keys: Map<string, Buffer>;
  activeKeyId: string;
}

/**
 * Slack: one workspace (a bot token), or installs to any workspace (OAuth: client id,
 * secret and a state secret). Over HTTP (`/slack/events`, signed with the signing
 * secret) or, for local use, Socket Mode (an app-level token).
 */
export interface SlackConfig {
  signingSecret: string | undefined;
  botToken: string | undefined;
  oauth: { clientId: string; clientSecret: string; stateSecret: string } | undefined;
  appToken: string | undefined;
  socketMode: boolean;
  /** Web API base (ends with a slash). */
  apiUrl: string;
}

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** WhatsApp through Twilio: the sender, its REST base, its pace, the follow-up template. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** `whatsapp:+E164`. */
  whatsappFrom: string;
  /** Instead of https://api.twilio.com (a stand-in, a test server). */
  baseUrl: string | undefined;
  /** Messages a second the sender may send. */
  messagesPerS: number;
  /** Approved template (Content SID) for messages outside WhatsApp's 24-hour window. */
  followUpTemplate: string | undefined;
  /** A template of its own for a kind of message sent unasked (else `followUpTemplate`). */
  templates: Partial<Record<NoticeKind, string>>;
  /** Alerts sent to one seller's WhatsApp in a day, at most (the digest tells the rest). */
  alertsPerDay: number;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  home: string;
  host: string;
  port: number;
  /** Where `GET /metrics` is served (Prometheus), apart from the routes; undefined: nowhere (METRICS_PORT=0). */
  metricsPort: number | undefined;
  publicBaseUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  databaseUrl: string | undefined;
  /** Undefined when ENCRYPTION_KEYS is unset outside production: a dev key is made (see keyring.ts). */
  encryption: KeyringConfig | undefined;
  shutdownTimeoutMs: number;
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined; model: string };
  slack: SlackConfig | undefined;
  twilio: TwilioConfig | undefined;
  shopify: {
    apiKey: string | undefined;
    apiSecret: string | undefined;
    apiVersion: string;
    baseUrl: string | undefined;
  };
  /** Flipkart publishes no rate limits: `maxRequestsPerS` is the ceiling the client paces to. */
  flipkart: { appId: string | undefined; appSecret: string | undefined; baseUrl: string; maxRequestsPerS: number };
  amazon: {
    lwaClientId: string | undefined;
    lwaClientSecret: string | undefined;
    appId: string | undefined;
    lwaBaseUrl: string;
    spApiBaseUrl: string | undefined;
  };
  /**
   * Daily exchange rates: an ECB-based API with /v1/<date>?base&symbols. Unset: the
   * sandbox's for sandbox connections, else the public default (see fxBaseUrlFor).
   */
  fxBaseUrl: string | undefined;
  /**
   * `connect` from chat goes through this sandbox's consent pages instead of the real
   * marketplaces (the demo sets its own in-process sandbox).
   */
  sandboxUrl: string | undefined;
  mongodbUrl: string | undefined;
  cronSecret: string | undefined;
  jobs: {
    /** A job not touched for this long is taken to be dead and taken over by another worker. */
    lockLifetimeMs: number;
    /** Sellers a worker syncs at once, per job kind (recurring, on demand). */
    syncConcurrency: number;
    /** How long before a seller's digest time its digest is composed and drawn (the outbox). */
    digestPrepareMinutes: number;
  };
  /**
   * The zero-config first run: a sandbox in the process, a demo seller connected to its
   * stores and synced, and a chat prompt on a terminal. `SHOPIQ_DEMO=auto` (default): on
   * when nothing is configured (embedded database, no marketplace app, not production).
   */
  demo: boolean;
  /**
   * Whether `shopiq start` applies pending migrations (under the schema lock). False
   * (`SHOPIQ_MIGRATE_ON_START=false`, as the Kubernetes manifests run it): a migration
   * Job applies them, and the service waits for that schema before it serves.
   */
  migrateOnStart: boolean;
  conversation: {
    /** Data older than this is refreshed before a question is answered. */
    staleAfterMs: number;
    /** How long an answer waits for that refresh before it answers with what there is. */
    freshnessWaitMs: number;
    /**
     * A connection whose last sync failed with a temporary error less than this long
     * ago is not waited for (nor refreshed) by a question: it answers from the last good sync.
     */
    outageCooldownMs: number;
    /** Output cap of each model request. */
    maxOutputTokens: number;
    /** Timeout of each model request. */
    llmTimeoutMs: number;
    /** Model tokens (input + output) a seller may use per day, in their timezone. */
    dailyTokenBudget: number;
    /** Chat turns one web process answers at once; more wait (each mostly waits on the model). */
    concurrency: number;
    /** Chat turns are kept this many days, then purged. */
    retentionDays: number;
  };
}

/** Default Claude model: the newest Sonnet in @anthropic-ai/sdk 1.12's Model list (4-5 is deprecated there). */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';
export const SHOPIFY_API_VERSION = '2026-01';
export const DEFAULT_FX_BASE_URL = 'https://api.frankfurter.dev';

/** The FX API a connection's sync uses: FX_BASE_URL, else the sandbox's for a sandbox connection. */
export function fxBaseUrlFor(config: Pick<Config, 'fxBaseUrl'>, sandboxUrl: string | null): string {
  return config.fxBaseUrl ?? (sandboxUrl ? `${sandboxUrl.replace(/\/+$/, '')}/fx` : DEFAULT_FX_BASE_URL);
}

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), {
      message: `expected an http(s) URL ${what}`,
    });

const optionalHttpUrl = (what: string) => z.preprocess((v) => (v === '' ? undefined : v), httpUrl(what).optional());

const postgresUrl = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const ok = /^postgres(ql)?:\/\//.test(v) && URL.canParse(v) && new URL(v).hostname !== '';
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        message: `expected postgres://user:password@host:port/database, got "${maskDatabaseUrl(v)}"`,
      });
    }
  });

const keyIdPattern = /^[A-Za-z0-9_.-]{1,32}$/;

/** `id:base64key[,id:base64key...]`, each key 32 bytes. Never echoes key material. */
const encryptionKeys = z.string().transform((raw, ctx) => {
  const keys = new Map<string, Buffer>();
  for (const [i, entry] of raw.split(',').entries()) {
    const sep = entry.indexOf(':');
    const id = entry.slice(0, sep).trim();
    const material = entry.slice(sep + 1).trim();
    if (sep < 1 || !keyIdPattern.test(id)) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${i + 1} must look like "<key id>:<base64 of 32 random bytes>" (key id: letters, digits, . _ -)`,
      });
      return z.NEVER;
    }
    const bytes = Buffer.from(material, 'base64');
    if (bytes.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(material)) {
      ctx.addIssue({
        code: 'custom',
        message: `key "${id}" must be base64 of exactly 32 bytes (generate one: openssl rand -base64 32)`,
      });
      return z.NEVER;
    }
    if (keys.has(id)) {
      ctx.addIssue({ code: 'custom', message: `key id "${id}" appears twice` });
      return z.NEVER;
    }
    keys.set(id, bytes);
  }
  return keys;
});

/** A TCP port number; `range` is what the message says is allowed. */
const tcpPort = (range: string) => {
  const message = `expected a TCP port number (${range})`;
  return z.coerce.number({ message }).int({ message }).min(0, { message }).max(65535, { message });
};

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')
  .optional();

/** An approved WhatsApp template's Content SID; empty: none. */
const contentSid = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .regex(/^HX[0-9a-fA-F]{32}$/, { message: 'expected a Content SID (HX followed by 32 hex digits)' })
    .optional(),
);

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], {
      message: 'expected development, production or test',
    })
    .default('development'),
  SHOPIQ_HOME: optionalString,
  HOST: optionalString,
  PORT: tcpPort('0-65535').default(3000),
  METRICS_PORT: tcpPort('0-65535; 0: no metrics').default(9464),
  PUBLIC_BASE_URL: optionalHttpUrl('where Slack, Twilio and OAuth reach this service'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).optional(),
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), postgresUrl.optional()),
  ENCRYPTION_KEYS: z.preprocess((v) => (v === '' ? undefined : v), encryptionKeys.optional()),
  ENCRYPTION_ACTIVE_KEY_ID: optionalString,
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int()
    .positive({ message: 'expected a positive number of milliseconds' })
    .default(8000),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalHttpUrl('for the Anthropic API'),
  ANTHROPIC_MODEL: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SOCKET_MODE: booleanFlag,
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_API_URL: optionalHttpUrl('for the Slack Web API'),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_WHATSAPP_FROM: optionalString,
  TWILIO_BASE_URL: optionalHttpUrl('for the Twilio API'),
  TWILIO_MESSAGES_PER_S: z.coerce
    .number({ message: 'expected messages per second' })
    .positive({ message: 'expected a positive number of messages per second' })
    .default(10),
  TWILIO_TEMPLATE_FOLLOW_UP: contentSid,
  TWILIO_TEMPLATE_DIGEST: contentSid,
  TWILIO_TEMPLATE_ALERT_SALES_DROP: contentSid,
  TWILIO_TEMPLATE_ALERT_RETURN_SPIKE: contentSid,
  TWILIO_TEMPLATE_ALERT_CANCEL_SPIKE: contentSid,
  TWILIO_TEMPLATE_ALERT_STOCK_LOW: contentSid,
  TWILIO_TEMPLATE_ALERT_CONNECTION: contentSid,
  TWILIO_TEMPLATE_ALERT_LARGE_ORDER: contentSid,
  WHATSAPP_ALERTS_PER_DAY: z.coerce
    .number({ message: 'expected a number of alerts' })
    .int({ message: 'expected a whole number of alerts' })
    .min(0, { message: 'expected 0 or more alerts' })
    .default(3),
  SHOPIFY_API_KEY: optionalString,
  SHOPIFY_API_SECRET: optionalString,
  SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-(01|04|07|10)$/, { message: 'expected a quarterly version such as 2026-01' })
    .optional(),
  SHOPIFY_BASE_URL: optionalHttpUrl('standing in for https://{shop}.myshopify.com'),
  FLIPKART_APP_ID: optionalString,
  FLIPKART_APP_SECRET: optionalString,
  FLIPKART_BASE_URL: optionalHttpUrl('for the Flipkart API'),
  FLIPKART_MAX_REQUESTS_PER_S: z.coerce
    .number({ message: 'expected requests per second' })
    .positive({ message: 'expected a positive number of requests per second' })
    .default(8),
  AMAZON_LWA_CLIENT_ID: optionalString,
  AMAZON_LWA_CLIENT_SECRET: optionalString,
  AMAZON_APP_ID: optionalString,
  AMAZON_LWA_BASE_URL: optionalHttpUrl('for Login with Amazon'),
  AMAZON_SP_API_BASE_URL: optionalHttpUrl('for the Selling Partner API'),
  FX_BASE_URL: optionalHttpUrl('of a daily exchange-rate API'),
  SANDBOX_URL: optionalHttpUrl('of a running `shopiq sandbox` (connect from chat goes through its consent pages)'),
  MONGODB_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'expected a mongodb:// or mongodb+srv:// URL' })
      .optional(),
  ),
  CRON_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  ),
  JOB_LOCK_LIFETIME_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int()
    .min(1000, { message: 'expected at least 1000 milliseconds' })
    .default(300_000),
  SYNC_CONCURRENCY: z.coerce
    .number({ message: 'expected a number of sellers' })
    .int()
    .min(1, { message: 'expected at least 1' })
    .max(64, { message: 'expected at most 64' })
    .default(3),
  DIGEST_PREPARE_MINUTES: z.coerce
    .number({ message: 'expected minutes' })
    .int()
    .min(0, { message: 'expected 0 or more' })
    .max(720, { message: 'expected at most 720' })
    .default(20),
  SHOPIQ_DEMO: z.enum(['auto', 'on', 'off'], { message: 'expected auto, on or off' }).default('auto'),
  SHOPIQ_MIGRATE_ON_START: z.preprocess((v) => (v === '' ? undefined : v), booleanFlag),
  FRESHNESS_MAX_AGE_MINUTES: z.coerce
    .number({ message: 'expected minutes' })
    .int()
    .min(1, { message: 'expected at least 1 minute' })
    .default(360),
  FRESHNESS_WAIT_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int()
    .min(0, { message: 'expected 0 or more' })
    .max(120_000, { message: 'expected at most 120000' })
    .default(10_000),
  FRESHNESS_OUTAGE_COOLDOWN_MINUTES: z.coerce
    .number({ message: 'expected minutes' })
    .int()
    .min(0, { message: 'expected 0 or more' })
    .default(15),
  LLM_MAX_OUTPUT_TOKENS: z.coerce
    .number({ message: 'expected a number of tokens' })
    .int()
    .min(64, { message: 'expected at least 64' })
    .max(16_384, { message: 'expected at most 16384' })
    .default(1024),
  LLM_TIMEOUT_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int()
    .min(1000, { message: 'expected at least 1000' })
    .default(30_000),
  CHAT_CONCURRENCY: z.coerce
    .number({ message: 'expected a number of answers' })
    .int()
    .min(1, { message: 'expected at least 1' })
    .max(1000, { message: 'expected at most 1000' })
    .default(32),
  CHAT_RETENTION_DAYS: z.coerce
    .number({ message: 'expected a number of days' })
    .int()
    .min(1, { message: 'expected at least 1 day' })
    .default(90),
  LLM_DAILY_TOKENS_PER_SELLER: z.coerce
    .number({ message: 'expected a number of tokens' })
    .int()
    .min(1000, { message: 'expected at least 1000' })
    .default(400_000),
});

type Env = z.infer<typeof envSchema>;

/** Every environment variable ShopIQ reads (README "Settings"). */
export const SETTINGS = Object.keys(envSchema.shape) as (keyof Env)[];

/**
 * Settings whose values are secrets (or, for ENCRYPTION_ACTIVE_KEY_ID, change with
 * them): deployments keep them in a Secret, never in plain configuration.
 */
export const SECRET_SETTINGS = [
  'DATABASE_URL',
  'ENCRYPTION_KEYS',
  'ENCRYPTION_ACTIVE_KEY_ID',
  'ANTHROPIC_API_KEY',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'TWILIO_AUTH_TOKEN',
  'SHOPIFY_API_SECRET',
  'FLIPKART_APP_SECRET',
  'AMAZON_LWA_CLIENT_SECRET',
  'CRON_SECRET',
  'MONGODB_URL',
] as const satisfies readonly (keyof Env)[];

/** Read by Node itself when the process starts, not by ShopIQ (the manifests cap V8's heap with it). */
export const RUNTIME_SETTINGS = ['NODE_OPTIONS'] as const;

/** Variables that only make sense together: if one is set, the others must be too. */
const GROUPS: (keyof Env)[][] = [
  ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'],
  ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WHATSAPP_FROM'],
  ['SHOPIFY_API_KEY', 'SHOPIFY_API_SECRET'],
  ['FLIPKART_APP_ID', 'FLIPKART_APP_SECRET'],
  ['AMAZON_LWA_CLIENT_ID', 'AMAZON_LWA_CLIENT_SECRET'],
];

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of an optional dotenv file; its values fill in what the environment lacks. */
  envFile?: string | undefined;
  cwd?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const fromFile = readEnvFile(options.envFile ?? path.join(cwd, '.env'));
  const env = { ...fromFile, ...(options.env ?? process.env) };
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new AppError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`);
  }
  return buildConfig(parsed.data, cwd);
}

function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return parseDotenv(readFileSync(file));
}

function buildConfig(e: Env, cwd: string): Config {
  const problems: string[] = [];
  for (const group of GROUPS) {
    const set = group.filter((k) => e[k] !== undefined);
    if (set.length > 0 && set.length < group.length) {
      const missing = group.filter((k) => e[k] === undefined);
      problems.push(`${missing.join(', ')}: required when ${set.join(', ')} is set`);
    }
  }
  problems.push(...slackProblems(e));
  if (e.TWILIO_WHATSAPP_FROM && !/^whatsapp:\+[1-9]\d{6,14}$/.test(e.TWILIO_WHATSAPP_FROM)) {
    problems.push('TWILIO_WHATSAPP_FROM: expected whatsapp:+<E.164 number>, e.g. whatsapp:+14155238886');
  }
  if (e.NODE_ENV === 'production' && !e.DATABASE_URL) {
    // never a database inside the container, lost with it
    problems.push(
      'NODE_ENV=production needs DATABASE_URL (postgres://user:password@host:5432/db): the embedded PostgreSQL is for development only',
    );
  }
  const encryption = resolveEncryption(e, problems);
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`);
  }

  const production = e.NODE_ENV === 'production';
  const host = e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  return {
    nodeEnv: e.NODE_ENV,
    home: path.resolve(cwd, e.SHOPIQ_HOME ?? '.shopiq'),
    host,
    port: e.PORT,
    metricsPort: e.METRICS_PORT === 0 ? undefined : e.METRICS_PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    databaseUrl: e.DATABASE_URL,
    encryption,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseUrl: e.ANTHROPIC_BASE_URL,
      model: e.ANTHROPIC_MODEL ?? DEFAULT_ANTHROPIC_MODEL,
    },
    slack: slackConfig(e),
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_WHATSAPP_FROM
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            whatsappFrom: e.TWILIO_WHATSAPP_FROM,
            baseUrl: e.TWILIO_BASE_URL?.replace(/\/+$/, ''),
            messagesPerS: e.TWILIO_MESSAGES_PER_S,
            followUpTemplate: e.TWILIO_TEMPLATE_FOLLOW_UP,
            templates: {
              digest: e.TWILIO_TEMPLATE_DIGEST,
              sales_drop: e.TWILIO_TEMPLATE_ALERT_SALES_DROP,
              return_spike: e.TWILIO_TEMPLATE_ALERT_RETURN_SPIKE,
              cancel_spike: e.TWILIO_TEMPLATE_ALERT_CANCEL_SPIKE,
              stock_low: e.TWILIO_TEMPLATE_ALERT_STOCK_LOW,
              connection: e.TWILIO_TEMPLATE_ALERT_CONNECTION,
              large_order: e.TWILIO_TEMPLATE_ALERT_LARGE_ORDER,
            },
            alertsPerDay: e.WHATSAPP_ALERTS_PER_DAY,
          }
        : undefined,
    shopify: {
      apiKey: e.SHOPIFY_API_KEY,
      apiSecret: e.SHOPIFY_API_SECRET,
      apiVersion: e.SHOPIFY_API_VERSION ?? SHOPIFY_API_VERSION,
      baseUrl: e.SHOPIFY_BASE_URL,
    },
    flipkart: {
      appId: e.FLIPKART_APP_ID,
      appSecret: e.FLIPKART_APP_SECRET,
      baseUrl: e.FLIPKART_BASE_URL ?? 'https://api.flipkart.net',
      maxRequestsPerS: e.FLIPKART_MAX_REQUESTS_PER_S,
    },
    amazon: {
      lwaClientId: e.AMAZON_LWA_CLIENT_ID,
      lwaClientSecret: e.AMAZON_LWA_CLIENT_SECRET,
      appId: e.AMAZON_APP_ID,
      lwaBaseUrl: e.AMAZON_LWA_BASE_URL ?? 'https://api.amazon.com',
      spApiBaseUrl: e.AMAZON_SP_API_BASE_URL,
    },
    fxBaseUrl: e.FX_BASE_URL?.replace(/\/+$/, ''),
    sandboxUrl: e.SANDBOX_URL?.replace(/\/+$/, ''),
    mongodbUrl: e.MONGODB_URL,
    cronSecret: e.CRON_SECRET,
    jobs: {
      lockLifetimeMs: e.JOB_LOCK_LIFETIME_MS,
      syncConcurrency: e.SYNC_CONCURRENCY,
      digestPrepareMinutes: e.DIGEST_PREPARE_MINUTES,
    },
    demo:
      e.SHOPIQ_DEMO === 'on' ||
      (e.SHOPIQ_DEMO === 'auto' &&
        e.NODE_ENV === 'development' &&
        !e.DATABASE_URL &&
        !e.SHOPIFY_API_KEY &&
        !e.FLIPKART_APP_ID &&
        !e.AMAZON_LWA_CLIENT_ID),
    migrateOnStart: e.SHOPIQ_MIGRATE_ON_START ?? true,
    conversation: {
      staleAfterMs: e.FRESHNESS_MAX_AGE_MINUTES * 60_000,
      freshnessWaitMs: e.FRESHNESS_WAIT_MS,
      outageCooldownMs: e.FRESHNESS_OUTAGE_COOLDOWN_MINUTES * 60_000,
      maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      llmTimeoutMs: e.LLM_TIMEOUT_MS,
      dailyTokenBudget: e.LLM_DAILY_TOKENS_PER_SELLER,
      concurrency: e.CHAT_CONCURRENCY,
      retentionDays: e.CHAT_RETENTION_DAYS,
    },
  };
}

const slackOn = (e: Env) =>
  Boolean(e.SLACK_SIGNING_SECRET || e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID || e.SLACK_APP_TOKEN || e.SLACK_SOCKET_MODE);

function slackProblems(e: Env): string[] {
  if (!slackOn(e)) return [];
  const problems: string[] = [];
  if (!e.SLACK_BOT_TOKEN && !e.SLACK_CLIENT_ID) {
    problems.push(
      'SLACK_BOT_TOKEN: required for Slack (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET to install to any workspace)',
    );
  }
  if (e.SLACK_SOCKET_MODE) {
    if (!e.SLACK_APP_TOKEN) problems.push('SLACK_APP_TOKEN: required when SLACK_SOCKET_MODE is true');
    if (!e.SLACK_BOT_TOKEN) {
      problems.push('SLACK_BOT_TOKEN: required when SLACK_SOCKET_MODE is true (installs to any workspace need HTTP)');
    }
  } else if (e.SLACK_BOT_TOKEN && e.SLACK_CLIENT_ID) {
    // Bolt takes one or the other: it would refuse to start, in its own words
    problems.push(
      'SLACK_BOT_TOKEN: leave it unset when SLACK_CLIENT_ID is set (installs to any workspace keep each workspace’s own token)',
    );
  }
  if (!e.SLACK_SOCKET_MODE && !e.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET: required for Slack over HTTP (or SLACK_SOCKET_MODE=true with SLACK_APP_TOKEN)',
    );
  }
  if (e.SLACK_STATE_SECRET && e.SLACK_STATE_SECRET.length < 16) {
    problems.push('SLACK_STATE_SECRET: expected at least 16 characters');
  }
  return problems;
}

function slackConfig(e: Env): SlackConfig | undefined {
  if (!slackOn(e)) return undefined;
  const apiUrl = e.SLACK_API_URL ?? DEFAULT_SLACK_API_URL;
  return {
    signingSecret: e.SLACK_SIGNING_SECRET,
    botToken: e.SLACK_BOT_TOKEN,
    oauth:
      e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
        ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET }
        : undefined,
    appToken: e.SLACK_APP_TOKEN,
    socketMode: e.SLACK_SOCKET_MODE ?? false,
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
  };
}

function resolveEncryption(e: Env, problems: string[]): KeyringConfig | undefined {
  const keys = e.ENCRYPTION_KEYS;
  if (!keys) {
    if (e.NODE_ENV === 'production') {
      problems.push(
        'ENCRYPTION_KEYS: required when NODE_ENV=production (format "<key id>:<base64 of 32 bytes>", e.g. k1:$(openssl rand -base64 32))',
      );
    } else if (e.ENCRYPTION_ACTIVE_KEY_ID) {
      problems.push('ENCRYPTION_KEYS: required when ENCRYPTION_ACTIVE_KEY_ID is set');
    }
    return undefined;
  }
  const ids = [...keys.keys()];
  const activeKeyId = e.ENCRYPTION_ACTIVE_KEY_ID ?? (ids.length === 1 ? ids[0] : undefined);
  if (!activeKeyId) {
    problems.push(`ENCRYPTION_ACTIVE_KEY_ID: required when ENCRYPTION_KEYS holds several keys (${ids.join(', ')})`);
    return undefined;
  }
  if (!keys.has(activeKeyId)) {
    problems.push(
      `ENCRYPTION_ACTIVE_KEY_ID: "${activeKeyId}" is not one of the ENCRYPTION_KEYS ids (${ids.join(', ')})`,
    );
    return undefined;
  }
  return { keys, activeKeyId };
}

/**
 * What the sync benchmarks share: the sandbox in its own process, a PostgreSQL (a
 * fresh embedded server with production settings, or DATABASE_URL), migrations, the
 * sync dependencies as the service builds them, a seller connected through OAuth, and
 * a sampler of the process's peak RSS.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { connectSandboxSeller } from '../../src/connections/sandbox-connect.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import type { Marketplace } from '../../src/db/enums.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { openOrm } from '../../src/db/orm.ts';
import { closePool, openPool } from '../../src/db/pool.ts';
import { createLogger, type Logger } from '../../src/logging/logger.ts';
import type { SyncDeps } from '../../src/sync/sync-connection.ts';
import { startSandboxProcess } from './sandbox-process.ts';

export interface SyncBenchSetup {
  base: string;
  pool: pg.Pool;
  deps: SyncDeps;
  userId: string;
  /** The seller's connection id per marketplace (all three sandbox stores). */
  connections: Partial<Record<Marketplace, string>>;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  url: string;
  /** A scratch directory of this run (SHOPIQ_HOME), removed at stop. */
  home: string;
  config: Config;
  pool: pg.Pool;
  vault: TokenVault;
  log: Logger;
  stop(): Promise<void>;
}

/** A migrated PostgreSQL (fresh embedded, or DATABASE_URL), the service's configuration for it, a pool. */
export async function openBenchDatabase(env: Record<string, string> = {}): Promise<BenchDatabase> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'shopiq-bench-'));
  const log = createLogger({ logLevel: 'warn' });
  const external = process.env.DATABASE_URL;
  const server = external ? undefined : await startEmbeddedPostgres({ home, log });
  const url = external ?? (server?.url as string);
  const orm = await openOrm({ databaseUrl: url, log });
  await applyMigrations(orm);
  await orm.close(true);
  const config = loadConfig({
    env: {
      NODE_ENV: 'test',
      SHOPIQ_HOME: home,
      DATABASE_URL: url,
      ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'warn',
      METRICS_PORT: '0',
      ...env,
    },
    envFile: '/nonexistent/.env',
  });
  const pool = openPool(url, 8, log);
  return {
    url,
    home,
    config,
    pool,
    vault: new TokenVault(resolveKeyring(config, log)),
    log,
    stop: async () => {
      await closePool(pool);
      await server?.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function setUpSyncBench(sandboxArgs: string[]): Promise<SyncBenchSetup> {
  const sandbox = await startSandboxProcess(['--sellers', '1', '--start', '2026-11-01', ...sandboxArgs]);
  const db = await openBenchDatabase();
  const { pool, vault, config, log } = db;
  const connected = await connectSandboxSeller({ pool, vault, config }, { sandboxUrl: sandbox.base, seller: '1' });
  return {
    base: sandbox.base,
    pool,
    deps: { pool, vault, config, log },
    userId: connected.userId,
    connections: Object.fromEntries(connected.connections.map((c) => [c.marketplace, c.connectionId])),
    stop: async () => {
      await db.stop();
      await sandbox.stop();
    },
  };
}

/** Samples RSS every 50 ms; `peakMb()` is the highest seen. */
export function rssSampler(): { peakMb(): number; stop(): void } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  let stopped = false;
  return {
    // once stopped, what came after (the COPY anchor, say) is not counted
    peakMb: () => Math.round((stopped ? peak : Math.max(peak, process.memoryUsage.rss())) / 1e6),
    stop: () => {
      peak = Math.max(peak, process.memoryUsage.rss());
      stopped = true;
      clearInterval(timer);
    },
  };
}

export const progress =
  (label: string) =>
  (p: { marketplace?: string; stream: string; done: number; estimatedTotal?: number | undefined }) => {
    if (p.stream === 'orders') {
      const where = p.marketplace ? ` ${p.marketplace}` : '';
      process.stderr.write(`\r${label}${where}: ${p.done} / ${p.estimatedTotal ?? '?'} orders   `);
    }
  };

/** Parses `--marketplaces a,b` (default all three). */
export function marketplacesOption(value: string | undefined): Marketplace[] {
  const all: Marketplace[] = ['shopify', 'flipkart', 'amazon'];
  if (!value) return all;
  const picked = value.split(',').map((m) => m.trim()) as Marketplace[];
  const unknown = picked.find((m) => !all.includes(m));
  if (unknown) throw new Error(`unknown marketplace ${unknown}; use ${all.join(', ')}`);
  return picked;
}

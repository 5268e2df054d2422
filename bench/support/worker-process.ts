/**
 * `shopiq start --role worker` as the manifests run it (`NODE_ENV=production`, the
 * schema already applied, the manifests' Node options), on a bench database, each in
 * its own process: what the benchmarks of several workers share (`scale-out`,
 * `digest-fleet`). Resolves once the worker says "ShopIQ is up" (its jobs scheduled and
 * taken); its stdout is read until then and dropped after, its stderr goes to ours.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchDatabase } from './sync-setup.ts';
import { deployedWorker } from './worker-manifest.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Spawn → "ShopIQ is up", ms. */
  startMs: number;
  /** The most memory it has held so far (VmHWM), MB; undefined once it is gone or where /proc has no answer. */
  peakRssMb(): number | undefined;
  /** Stops it (SIGTERM); its peak RSS in MB, where the system tells (Linux). */
  stop(): Promise<number | undefined>;
}

/** The most memory a process has held so far (VmHWM), in MB; undefined where /proc has no answer. */
export function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round((Number(kb) * 1024) / 1e6);
  } catch {
    return undefined;
  }
}

/**
 * Starts a worker on `db`; `env` adds to (or overrides) the production settings: the
 * channels' stand-ins, SYNC_CONCURRENCY, JOB_LOCK_LIFETIME_MS, NODE_OPTIONS (default:
 * the manifests').
 */
export async function startWorkerProcess(db: BenchDatabase, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [CLI, 'start', '--role', 'worker'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      ENCRYPTION_KEYS: db.config.encryption
        ? [...db.config.encryption.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join(',')
        : '',
      SHOPIQ_HOME: db.home,
      SHOPIQ_MIGRATE_ON_START: 'false',
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // V8's heap sized as the manifests size it (unless the run says otherwise)
      NODE_OPTIONS: deployedWorker().nodeOptions,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let startMs = 0;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out = (out + d).slice(-10_000);
      if (out.includes('"ShopIQ is up"')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        startMs = performance.now() - spawnedAt;
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`a worker exited with ${code} while starting: ${out.slice(-500)}`)));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    startMs,
    peakRssMb: () => (gone() ? undefined : peakRssMb(child.pid)),
    stop: () =>
      new Promise((resolve) => {
        if (gone()) return resolve(undefined);
        const peak = peakRssMb(child.pid);
        child.once('exit', () => resolve(peak));
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `npm run bench -- <name> [--option value ...]`: runs one benchmark, prints progress
 * to stderr and, as the last line of stdout, one JSON object
 * {bench, params, metrics, baseline, ratio}, also written to bench/results/<name>.json.
 *
 * `--node-options "<flags>"` runs the benchmark in a Node process started with those
 * flags (V8's heap sizes, say), and only that process: not the sandbox or PostgreSQL it
 * starts. `--node-options worker`: the flags the manifests give the worker.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  baseline?: Record<string, number>;
  ratio?: Record<string, number>;
}

export type Bench = (options: Record<string, string>) => Promise<BenchResult>;

const BENCHES: Record<string, () => Promise<{ default: Bench }>> = {
  'sandbox-pages': () => import('./sandbox-pages.bench.ts'),
  'sync-backfill': () => import('./sync-backfill.bench.ts'),
  'sync-delta': () => import('./sync-delta.bench.ts'),
  'api-budget': () => import('./api-budget.bench.ts'),
  scheduler: () => import('./scheduler.bench.ts'),
  'chat-turn': () => import('./chat-turn.bench.ts'),
  analytics: () => import('./analytics.bench.ts'),
  slack: () => import('./slack.bench.ts'),
  whatsapp: () => import('./whatsapp.bench.ts'),
  'scale-out': () => import('./scale-out.bench.ts'),
  insights: () => import('./insights.bench.ts'),
  'digest-fleet': () => import('./digest-fleet.bench.ts'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? BENCHES[name] : undefined;
if (!name || !load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--option value ...]\n`);
  process.exit(2);
}
const options: Record<string, string> = {};
for (let i = 0; i < rest.length; i += 2) options[(rest[i] ?? '').replace(/^--/, '')] = rest[i + 1] ?? '';
const nodeOptions = options['node-options'];
if (nodeOptions !== undefined && process.env.SHOPIQ_BENCH_NODE_OPTIONS === undefined) {
  const flags =
    nodeOptions === 'worker'
      ? (await import('./support/worker-manifest.ts')).deployedWorker().nodeOptions
      : nodeOptions;
  const child = spawn(
    process.execPath,
    [...flags.split(/\s+/).filter(Boolean), fileURLToPath(import.meta.url), name, ...rest],
    {
      stdio: 'inherit',
      env: { ...process.env, SHOPIQ_BENCH_NODE_OPTIONS: flags },
    },
  );
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  process.exit(code);
}
const result = await (await load()).default(options);
if (nodeOptions !== undefined) {
  result.params.node_options = process.env.SHOPIQ_BENCH_NODE_OPTIONS;
  if (nodeOptions === 'worker')
    result.params.worker_memory_limit_mb = (
      await import('./support/worker-manifest.ts')
    ).deployedWorker().memoryLimitMb;
}
const line = JSON.stringify({ bench: name, ...result, baseline: result.baseline ?? {}, ratio: result.ratio ?? {} });
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, `${name}.json`), `${line}\n`);
process.stdout.write(`${line}\n`);
// Agenda leaves a timer per job it ran (its lock check sleeps lockLifetime/2 and holds the process):
// a finished benchmark exits rather than wait those out
process.exit(0);

/**
 * scale-out: does adding worker processes add sync capacity? One PostgreSQL, the sandbox
 * (its own process) answering every marketplace request after `--latency` ms (its
 * latency fault: a real marketplace's round trip), `--sellers` sellers with all three
 * marketplaces connected, and 1, 2 and 4 `shopiq start --role worker` processes, each
 * as the manifests run it (production settings, SYNC_CONCURRENCY sellers at a time).
 *
 * Each round asks for a sync of every seller at once (as the cron route does) and times
 * until every seller's three connections have finished a run: sellers synced a minute,
 * and the speed-up over one worker. The sellers are backfilled once before the rounds, so
 * every round does the same work: a delta sync of each seller.
 *
 * Then a round with 2 workers and as many sellers as they sync at once, where one
 * worker is SIGKILLed while both hold syncs: its syncs must be taken over by the other
 * once their locks lapse (JOB_LOCK_LIFETIME_MS, `--lock-s`), and no seller missed. Every round checks that no connection ran two syncs at once, and that
 * no seller was missed.
 *
 * Workers run with the Node options the manifests give them; each one's peak RSS is
 * reported (`backfill_worker_peak_rss_mb`: the first sync of every seller, which reads
 * whole histories; `worker_peak_rss_mb`: the rounds).
 *
 * Options: --sellers (default 24, at most 50: the sandbox's limit), --latency ms (default 150), --workers (default 1,2,4),
 * --lock-s (default 10), --orders per store (default 60), --backfill-workers (default 4),
 * --worker-node-options (default: the manifests'), --flipkart-rps (FLIPKART_MAX_REQUESTS_PER_S, default 8).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { connectSandboxSeller } from '../src/connections/sandbox-connect.ts';
import { openJobStore } from '../src/jobs/job-store.ts';
import { Scheduler } from '../src/jobs/scheduler.ts';
import type { Bench } from './run.ts';
import { waitUntil } from './support/load-process.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';
import { percentile, round } from './support/stats.ts';
import { type BenchDatabase, openBenchDatabase } from './support/sync-setup.ts';
import { deployedWorker } from './support/worker-manifest.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

const SYNC_CONCURRENCY = 3;
const CONNECTIONS_PER_SELLER = 3;

interface WorkerTuning {
  nodeOptions: string;
  flipkartRps: number;
}

/** How long each worker took from spawn to "ShopIQ is up" (the image's start, on this machine). */
const startTimes: number[] = [];

/** `shopiq start --role worker` as the manifests run it; resolves once it takes jobs. */
async function startWorker(db: BenchDatabase, lockS: number, tuning: WorkerTuning): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(db, {
    SYNC_CONCURRENCY: String(SYNC_CONCURRENCY),
    JOB_LOCK_LIFETIME_MS: String(lockS * 1000),
    NODE_OPTIONS: tuning.nodeOptions,
    FLIPKART_MAX_REQUESTS_PER_S: String(tuning.flipkartRps),
  });
  startTimes.push(worker.startMs);
  return worker;
}

interface RoundResult {
  seconds: number;
  sellersPerMin: number;
  missed: number;
  overlapping: number;
}

const bench: Bench = async (options) => {
  const sellers = Number(options.sellers ?? 24);
  const latency = Number(options.latency ?? 150);
  const lockS = Number(options['lock-s'] ?? 10);
  const orders = Number(options.orders ?? 60);
  const backfillWorkers = Number(options['backfill-workers'] ?? 4);
  const tuning: WorkerTuning = {
    nodeOptions: options['worker-node-options'] ?? deployedWorker().nodeOptions,
    flipkartRps: Number(options['flipkart-rps'] ?? 8),
  };
  const counts = String(options.workers ?? '1,2,4')
    .split(',')
    .map(Number);
  const faults = ['shopify', 'flipkart', 'amazon'].map((m) => `${m}:latency=${latency}`).join(';');
  const sandbox = await startSandboxProcess([
    '--sellers',
    String(sellers),
    '--orders',
    String(orders),
    '--start',
    '2026-11-01',
    '--no-limits',
    '--faults',
    faults,
  ]);
  const db = await openBenchDatabase();
  const { pool, vault, config, log } = db;
  const client = new Scheduler(await openJobStore({ config, pool, log }), { config, pool, log });
  const workers: WorkerProcess[] = [];
  /** Stops every worker: the highest peak RSS among them (MB). */
  const stopWorkers = async (): Promise<number> => {
    const peaks = await Promise.all(workers.splice(0).map((w) => w.stop()));
    return Math.max(0, ...peaks.filter((p) => p !== undefined));
  };
  try {
    process.stderr.write(`connecting ${sellers} sellers (3 marketplaces each, ${latency} ms a request)\n`);
    const ids: string[] = [];
    for (let i = 0; i < sellers; i += 8) {
      const batch = Array.from({ length: Math.min(8, sellers - i) }, (_, k) =>
        connectSandboxSeller({ pool, vault, config }, { sandboxUrl: sandbox.base, seller: String(i + k + 1) }),
      );
      for (const connected of await Promise.all(batch)) ids.push(connected.userId);
    }
    await client.listen();

    /** Asks for every seller's sync and waits until each connection has finished a run since. */
    /** `only`: these sellers (each asked for as a chat question would), else all (as the cron route asks). */
    const syncRound = async (label: string, during?: () => Promise<void>, only?: string[]) => {
      const wanted = only ?? ids;
      const { rows: clock } = await pool.query<{ now: Date }>('select clock_timestamp() as now');
      const since = clock[0]?.now as Date;
      const t0 = performance.now();
      if (only) await Promise.all(only.map((id) => client.requestSync(id)));
      else await client.requestSyncForAll('on_demand');
      let done = 0;
      const poll = setInterval(async () => {
        const { rows } = await pool.query<{ n: number }>(
          `select count(*)::int as n from (
             select user_id from sync_run
              where started_at >= $1 and finished_at is not null and status = 'succeeded' and user_id = any($3)
              group by user_id having count(distinct connection_id) = $2) s`,
          [since, CONNECTIONS_PER_SELLER, wanted],
        );
        const now = rows[0]?.n ?? done;
        if (now !== done) process.stderr.write(`\r${label}: ${now} / ${wanted.length} sellers synced   `);
        done = now;
      }, 100);
      const extra = during?.();
      const finished = await waitUntil(() => done >= wanted.length, 600);
      clearInterval(poll);
      await extra;
      const seconds = (performance.now() - t0) / 1000;
      process.stderr.write('\n');
      const { rows: overlaps } = await pool.query<{ n: number }>(
        `select count(*)::int as n from sync_run a join sync_run b
            on a.connection_id = b.connection_id and a.id < b.id
           and b.started_at < coalesce(a.finished_at, 'infinity') and a.started_at < coalesce(b.finished_at, 'infinity')
         where a.started_at >= $1 and b.started_at >= $1 and a.status <> 'running' and b.status <> 'running'`,
        [since],
      );
      return {
        since,
        result: {
          seconds: round(seconds, 2),
          sellersPerMin: round((wanted.length / seconds) * 60, 1),
          missed: finished ? 0 : wanted.length - done,
          overlapping: overlaps[0]?.n ?? 0,
        } satisfies RoundResult,
      };
    };

    // the backfill, once, so that every measured round does the same delta work
    workers.push(...(await Promise.all(Array.from({ length: backfillWorkers }, () => startWorker(db, lockS, tuning)))));
    const backfill = (await syncRound(`backfill (${backfillWorkers} workers)`)).result;
    const backfillPeakRss = await stopWorkers();

    const rounds: Record<number, RoundResult> = {};
    let roundsPeakRss = 0;
    for (const n of counts) {
      workers.push(...(await Promise.all(Array.from({ length: n }, () => startWorker(db, lockS, tuning)))));
      rounds[n] = (await syncRound(`${n} worker${n > 1 ? 's' : ''}`)).result;
      roundsPeakRss = Math.max(roundsPeakRss, await stopWorkers());
    }

    // a worker killed mid-sync: as many sellers as two workers sync at once, so that the
    // survivor has room for the dead one's syncs once their locks lapse (it takes more
    // sellers than one worker syncs at once)
    const killedRound = async () => {
      let killedAt: Date | undefined;
      const victims = ids.slice(0, 2 * SYNC_CONCURRENCY);
      const killed = await syncRound(
        '2 workers, one killed',
        async () => {
          // at a moment both workers hold syncs (more sellers running than one worker holds)
          for (;;) {
            const { rows } = await pool.query<{ running: number; now: Date }>(
              `select count(distinct user_id) filter (where finished_at is null)::int as running,
                      clock_timestamp() as now
                 from sync_run where started_at >= now() - interval '10 minutes'`,
            );
            killedAt = rows[0]?.now;
            if ((rows[0]?.running ?? 0) > SYNC_CONCURRENCY) break;
            await delay(20);
          }
          workers[0]?.child.kill('SIGKILL');
          process.stderr.write('\nkilled a worker\n');
        },
        victims,
      );
      await stopWorkers();
      // the syncs the dead worker held (runs left 'running'), and when each was taken up again
      const { rows: takeovers } = await pool.query<{ connection_id: string; resumed_s: number | null }>(
        `select d.connection_id,
                extract(epoch from (select min(r.started_at) from sync_run r
                                     where r.connection_id = d.connection_id and r.started_at > $2) - $2)::float8 as resumed_s
           from sync_run d
          where d.started_at >= $1 and d.started_at <= $2 and d.finished_at is null`,
        [killed.since, killedAt],
      );
      const resumed = takeovers.map((t) => t.resumed_s ?? Number.POSITIVE_INFINITY);
      return {
        overlapping: killed.result.overlapping,
        missed: killed.result.missed,
        metrics: {
          killed_round_seconds: killed.result.seconds,
          killed_syncs_in_flight: takeovers.length,
          killed_syncs_resumed_max_s: resumed.length > 0 ? round(Math.max(...resumed), 1) : 0,
        },
      };
    };
    const killed = sellers > SYNC_CONCURRENCY ? await killedRound() : { overlapping: 0, missed: 0, metrics: {} };

    const one = rounds[counts[0] as number] as RoundResult;
    return {
      params: {
        sellers,
        latency_ms: latency,
        orders_per_store: orders,
        sync_concurrency: SYNC_CONCURRENCY,
        lock_s: lockS,
        backfill_workers: backfillWorkers,
        worker_node_options: tuning.nodeOptions,
        flipkart_rps: tuning.flipkartRps,
        worker_memory_limit_mb: deployedWorker().memoryLimitMb,
      },
      metrics: {
        ...Object.fromEntries(
          Object.entries(rounds).flatMap(([n, r]) => [
            [`workers_${n}_sellers_per_min`, r.sellersPerMin],
            [`workers_${n}_seconds`, r.seconds],
          ]),
        ),
        overlapping_syncs: Object.values(rounds).reduce((s, r) => s + r.overlapping, 0) + killed.overlapping,
        sellers_missed: Object.values(rounds).reduce((s, r) => s + r.missed, 0) + killed.missed,
        ...killed.metrics,
        // the lock lapses lock_s after the job's last touch, and is seen at the next scan
        job_scan_every_s: Math.min(5, lockS / 2),
        // spawn to "ShopIQ is up" (schema there, jobs taken), several starting side by side
        worker_start_p50_s: round(percentile(startTimes, 50) / 1000, 2),
        worker_start_max_s: round(Math.max(...startTimes) / 1000, 2),
        // the first sync of every seller (their whole history), SYNC_CONCURRENCY sellers a worker at once
        backfill_seconds: backfill.seconds,
        backfill_worker_peak_rss_mb: backfillPeakRss,
        worker_peak_rss_mb: roundsPeakRss,
      },
      baseline: { workers_1_sellers_per_min: one.sellersPerMin },
      ratio: Object.fromEntries(
        Object.entries(rounds)
          .filter(([n]) => Number(n) !== counts[0])
          .map(([n, r]) => [`speedup_${n}_workers`, round(r.sellersPerMin / one.sellersPerMin, 2)]),
      ),
    };
  } finally {
    await stopWorkers();
    await client.stop(0).catch(() => {});
    await db.stop();
    await sandbox.stop();
  }
};

export default bench;

/**
 * scheduler: S sellers (each with a connected marketplace, spread over timezones and
 * tiers) get their recurring sync jobs, as a worker does when it starts: `schedule_s`;
 * the same pass again when nothing changed: `reschedule_s`. Then on-demand pickup on
 * the PostgreSQL job store with an idle worker: P requests one after another, each
 * timed from `requestSync` to the worker starting the job's handler (Agenda's `start`
 * event, just before the handler runs). The sellers' connections hold no tokens, so
 * each sync ends at once (and the seller is set aside as needing to reconnect).
 *
 * Anchor: the same job rows written by one INSERT … SELECT (`ratio.vs_insert`: its time
 * over `schedule_s`, the fraction of that speed scheduling reaches).
 *
 * Options: --sellers (default 10000), --pickups (default 100).
 */
import { createChatNotifier } from '../src/channels/notifier.ts';
import { SYNC_TIERS } from '../src/db/enums.ts';
import { closePool, openPool } from '../src/db/pool.ts';
import { JOB } from '../src/jobs/job-names.ts';
import { openJobStore } from '../src/jobs/job-store.ts';
import { Scheduler } from '../src/jobs/scheduler.ts';
import { createLogger } from '../src/logging/logger.ts';
import type { Bench } from './run.ts';
import { percentile, round } from './support/stats.ts';
import { openBenchDatabase } from './support/sync-setup.ts';

const ZONES = ['Asia/Kolkata', 'America/New_York', 'Australia/Sydney', 'Europe/London', 'UTC', 'Asia/Tokyo'];

const bench: Bench = async (options) => {
  const sellers = Number(options.sellers ?? 10_000);
  const pickups = Number(options.pickups ?? 100);
  const db = await openBenchDatabase();
  const { config, vault } = db;
  // every pickup's sync fails at once by design (no tokens): its warnings are not news
  const log = createLogger({ logLevel: 'error' });
  const workerPool = openPool(db.url, 16, log);
  const client = new Scheduler(await openJobStore({ config, pool: db.pool, log }), { config, pool: db.pool, log });
  const worker = new Scheduler(await openJobStore({ config, pool: workerPool, log }), {
    config,
    pool: workerPool,
    log,
  });
  try {
    // one in ten sellers on another tier than the default
    await db.pool.query(
      `with u as (
         insert into "user" (id, timezone, sync_tier)
         select gen_random_uuid(), ($2::text[])[1 + i % array_length($2, 1)],
                case when i % 10 = 0 then ($3::text[])[1 + (i / 10) % array_length($3, 1)] else 'twice_daily' end
           from generate_series(1, $1) i
         returning id)
       insert into marketplace_connection (id, user_id, marketplace, external_account_id, status)
       select gen_random_uuid(), id, 'shopify', 'shop-' || id, 'CONNECTED' from u`,
      [sellers, ZONES, SYNC_TIERS],
    );
    process.stderr.write(`scheduling ${sellers} sellers\n`);
    let t = performance.now();
    const counts = await client.scheduleAll();
    const scheduleS = (performance.now() - t) / 1000;
    if (counts.created !== sellers) throw new Error(`created ${counts.created} jobs for ${sellers} sellers`);
    t = performance.now();
    const again = await client.scheduleAll();
    const rescheduleS = (performance.now() - t) / 1000;
    if (again.unchanged !== sellers) throw new Error(`a second pass changed ${sellers - again.unchanged} jobs`);
    // the anchor: the same job rows written by one INSERT … SELECT into a table like Agenda's
    await db.pool.query('create table bench_jobs_floor (like agenda_jobs including all)');
    t = performance.now();
    await db.pool.query(`insert into bench_jobs_floor select * from agenda_jobs where name = $1`, [JOB.syncSeller]);
    const insertS = (performance.now() - t) / 1000;
    await db.pool.query('drop table bench_jobs_floor');

    await client.listen();
    await worker.work(
      { pool: workerPool, vault, config, log },
      createChatNotifier({ config, db: workerPool, vault, log }),
    );
    const { rows } = await db.pool.query<{ id: string }>('select id from "user" order by random() limit $1', [pickups]);
    const pickup: number[] = [];
    const enqueue: number[] = [];
    for (const [i, { id }] of rows.entries()) {
      let startedAt = 0;
      const started = new Promise<void>((resolve) => {
        const onStart = (job: { attrs: { data: unknown } }) => {
          if ((job.attrs.data as { userId?: string }).userId !== id) return;
          startedAt = performance.now();
          worker.agenda.off(`start:${JOB.syncSellerNow}`, onStart);
          resolve();
        };
        worker.agenda.on(`start:${JOB.syncSellerNow}`, onStart);
      });
      const t0 = performance.now();
      const request = await client.requestSync(id);
      enqueue.push(performance.now() - t0);
      await started;
      pickup.push(startedAt - t0);
      await client.waitForSync(request, 30_000); // idle again before the next one
      if (i % 20 === 0) process.stderr.write(`\rpickups: ${i + 1} / ${rows.length}   `);
    }
    process.stderr.write('\n');
    return {
      params: { sellers, pickups: rows.length, store: 'postgres' },
      metrics: {
        schedule_s: round(scheduleS, 2),
        schedule_per_s: Math.round(sellers / scheduleS),
        reschedule_s: round(rescheduleS, 2),
        pickup_p50_ms: round(percentile(pickup, 50), 1),
        pickup_p95_ms: round(percentile(pickup, 95), 1),
        pickup_max_ms: round(Math.max(...pickup), 1),
        enqueue_p50_ms: round(percentile(enqueue, 50), 1),
        enqueue_p95_ms: round(percentile(enqueue, 95), 1),
      },
      baseline: { insert_s: round(insertS, 3) },
      ratio: { vs_insert: round(insertS / scheduleS, 3) },
    };
  } finally {
    await worker.stop(0);
    await client.stop(0);
    await closePool(workerPool);
    await db.stop();
  }
};

export default bench;

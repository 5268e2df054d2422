/**
 * digest-fleet (issue 19): N sellers' digests due at the same instant, sent by 2 worker
 * processes, the chat channels stood in for. Goal: all sent within 2 minutes of the
 * instant they are due, no seller sent two.
 *
 * One bench database; `--sellers` sellers (default 10000) over six timezones, each with
 * Shopify and Flipkart connected (synced just now), 29 days of orders (one a day on each
 * marketplace, a jute rug, 5 left in stock: the digest has sales, a usual day, top
 * products, stock at risk and a chart), the sales rollup built (as a sync leaves it),
 * and a chat they last wrote from: a Slack DM, or for `--whatsapp-share` of them
 * (default 0.2) a WhatsApp number, last seen an hour ago (inside the 24-hour window).
 * Each seller's `digest_time` is the local time, in their own zone, of one instant T,
 * `--prepare-min` minutes (DIGEST_PREPARE_MINUTES; default one a 900 sellers, at least
 * 2) and a little more ahead, so every `seller-digest` job (which prepares the digest
 * into the outbox) runs at T minus that lead, and every digest is due at T. Their
 * recurring jobs are scheduled as a worker does (`scheduleAll`, PostgreSQL job store),
 * then `--workers` (default 2) `shopiq start --role worker` processes start, as the
 * manifests run them, before the prepare jobs are due,
 * with Slack's Web API and Twilio's REST API stood in for in this process
 * (bench/support/slack-stand-in.ts, twilio-stand-in.ts; WhatsApp at the product's pace,
 * `--mps`, default 10 a second a process).
 *
 * Measured before T: `prepared_before_t` (outbox rows claimed before T) and the span of
 * their preparation. Measured from T: each seller's digest arriving at the stand-in (Slack: its
 * `chat.postMessage`; WhatsApp: its first message), `all_sent_s` (the last one), p50/p95,
 * `sent`, `missing` after `--timeout` s (default 600), `sellers_sent_two` (a second digest
 * at the stand-ins, or a second digest_delivery row), charts uploaded under the Slack
 * digests, the workers' peak RSS, the CPU a digest costs to prepare (workers' start to
 * T) and to send (from T). `within_2_min`: 1 when every seller had one digest
 * within 120 s, none two.
 *
 * Exported as `digestFleet` for the insights benchmark; `digest-fleet.bench.ts` runs it alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { refreshSalesRollup } from '../src/analytics/sales-rollup.ts';
import { JOB } from '../src/jobs/job-names.ts';
import { openJobStore } from '../src/jobs/job-store.ts';
import { Scheduler } from '../src/jobs/scheduler.ts';
import { createLogger } from '../src/logging/logger.ts';
import { SIGNING_SECRET, TEAM } from '../test/support/slack-payloads.ts';
import { twilioEnv } from '../test/support/twilio-payloads.ts';
import { startSlackStandIn } from './support/slack-stand-in.ts';
import { percentile, round } from './support/stats.ts';
import { openBenchDatabase } from './support/sync-setup.ts';
import { startTwilioStandIn } from './support/twilio-stand-in.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

const ZONES = ['Asia/Kolkata', 'America/New_York', 'Australia/Sydney', 'Europe/London', 'UTC', 'Asia/Tokyo'];
const MARKETPLACES = ['shopify', 'flipkart'];
const DAYS = 29;
const GOAL_S = 120;
/** Sellers seeded in one statement. */
const BATCH = 1000;

/**
 * CPU seconds (user + system) a process has used, where /proc tells, with its children
 * that have ended (`withChildren`: a server's backends that closed); 0 once it is gone.
 */
function cpuSeconds(pid: number, withChildren = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // utime, stime, cutime, cstime in clock ticks (100 a second)
    const ticks = fields.slice(11, withChildren ? 15 : 13).reduce((sum, f) => sum + Number(f), 0);
    return ticks / 100;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server this process started and its backends (their CPU is the database's). */
function postgresPids(): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      names.set(Number(entry), /\((.*)\)/.exec(stat)?.[1] ?? '');
      parents.set(Number(entry), Number(stat.replace(/^.*\) /, '').split(' ')[1]));
    } catch {}
  }
  const server = [...parents].find(([pid, parent]) => parent === process.pid && names.get(pid) === 'postgres')?.[0];
  if (server === undefined) return [];
  return [server, ...[...parents].filter(([, parent]) => parent === server).map(([pid]) => pid)];
}

const slackUser = (i: number) => `U${String(i).padStart(7, '0')}`;
const whatsappNumber = (i: number) => `+9198${String(i).padStart(8, '0')}`;

export async function digestFleet(
  options: Record<string, string>,
): Promise<{ params: Record<string, unknown>; metrics: Record<string, number> }> {
  const sellers = Number(options.sellers ?? 10_000);
  const workerCount = Number(options.workers ?? 2);
  const whatsappShare = Number(options['whatsapp-share'] ?? 0.2);
  const mps = Number(options.mps ?? 10);
  const timeoutS = Number(options.timeout ?? 600);
  const syncConcurrency = Number(options['sync-concurrency'] ?? 3);
  const prepareMin = Number(options['prepare-min'] ?? Math.max(2, Math.ceil(sellers / 900)));
  /** Seller i is reached on WhatsApp when the share's running count steps up at i. */
  const onWhatsApp = (i: number) => Math.floor((i + 1) * whatsappShare) > Math.floor(i * whatsappShare);

  const db = await openBenchDatabase();
  const { pool, config } = db;
  const slack = await startSlackStandIn();
  const twilio = await startTwilioStandIn();
  const workers: WorkerProcess[] = [];
  try {
    // ------------------------------------------------------------- the sellers
    let t = performance.now();
    for (let from = 0; from < sellers; from += BATCH) {
      const to = Math.min(sellers, from + BATCH) - 1;
      await pool.query(
        `with u as (
           insert into "user" (id, display_name, timezone, reporting_currency, sync_tier, digest_time)
           select gen_random_uuid(), 'fleet-' || i, ($3::text[])[1 + i % array_length($3, 1)], 'USD', 'daily', null
             from generate_series($1::int, $2::int) i
           returning id, display_name),
         c as (
           insert into marketplace_connection (id, user_id, marketplace, external_account_id, status, last_sync_at, connected_at)
           select gen_random_uuid(), u.id, m, m || '-' || u.display_name, 'CONNECTED', now(), now()
             from u, unnest($4::text[]) m
           returning id, user_id, marketplace),
         p as (
           insert into unified_product (user_id, connection_id, marketplace, external_id, title, sku, normalized_sku,
                                        price, currency, inventory, status, synced_at)
           select user_id, id, marketplace, 'RUG-1', 'Jute rug', 'RUG-1', 'RUG-1', 20, 'USD', 5, 'ACTIVE', now() from c),
         o as (
           insert into unified_order (user_id, connection_id, marketplace, external_order_id, status, source_status,
                                      currency, total_amount, total_amount_usd, item_count, has_return, is_refunded,
                                      ordered_at, source_updated_at, synced_at, net_sales, net_sales_usd)
           select c.user_id, c.id, c.marketplace, c.marketplace || '-' || d, 'DELIVERED', 'DELIVERED', 'USD', a.amount,
                  a.amount, 1, false, false, date_trunc('day', now()) - d * interval '1 day' + interval '6 hours',
                  now(), now(), a.amount, a.amount
             from c, generate_series(1, $5::int) d,
                  lateral (select (40 + (d * 7 + length(c.marketplace) * 13) % 60)::numeric as amount) a
           returning id, user_id, connection_id, marketplace, external_order_id, total_amount)
         insert into unified_order_item (order_id, user_id, connection_id, marketplace, external_item_id, title, sku,
                                         normalized_sku, quantity, unit_price, total_price, net_sales, currency,
                                         is_returned, returned_quantity)
         select id, user_id, connection_id, marketplace, external_order_id || '-0', 'Jute rug', 'RUG-1', 'RUG-1', 2,
                total_amount / 2, total_amount, total_amount, 'USD', false, 0
           from o`,
        [from, to, ZONES, MARKETPLACES, DAYS],
      );
      process.stderr.write(`\rseeding: ${to + 1} / ${sellers} sellers   `);
    }
    // the chat each seller last wrote from
    const { rows: ids } = await pool.query<{ id: string; i: number; timezone: string }>(
      `select id, substr(display_name, 7)::int as i, timezone from "user" where display_name like 'fleet-%' order by 2`,
    );
    const slackOf = new Map<string, number>();
    const whatsappOf = new Map<string, number>();
    const identities = ids.map(({ id, i }) => {
      const whatsapp = onWhatsApp(i);
      if (whatsapp) whatsappOf.set(`whatsapp:${whatsappNumber(i)}`, i);
      else slackOf.set(`D${slackUser(i)}`, i);
      return {
        id,
        channel: whatsapp ? 'whatsapp' : 'slack',
        external: whatsapp ? whatsappNumber(i) : `${TEAM}:${slackUser(i)}`,
      };
    });
    await pool.query(
      `insert into channel_identity (id, user_id, channel, external_id, created_at, last_seen_at)
       select gen_random_uuid(), u, c, e, now(), now() - interval '1 hour'
         from unnest($1::uuid[], $2::text[], $3::text[]) x(u, c, e)`,
      [identities.map((x) => x.id), identities.map((x) => x.channel), identities.map((x) => x.external)],
    );
    // the rollups as a sync leaves them (its refresh at the end of each run)
    let built = 0;
    const lanes = Array.from({ length: 8 }, async () => {
      while (built < ids.length) {
        const seller = ids[built++] as (typeof ids)[number];
        await refreshSalesRollup(pool, { userId: seller.id, timezone: seller.timezone });
        if (built % 500 === 0) process.stderr.write(`\rrollups: ${built} / ${ids.length}   `);
      }
    });
    await Promise.all(lanes);
    await pool.query('analyze');
    const seedS = (performance.now() - t) / 1000;
    process.stderr.write(`\nseeded ${sellers} sellers in ${seedS.toFixed(1)} s\n`);

    // ------------------------------------------------------------- their jobs, all due at T
    const log = createLogger({ logLevel: 'error' });
    const leadConfig = { ...config, jobs: { ...config.jobs, digestPrepareMinutes: prepareMin } };
    const scheduler = new Scheduler(await openJobStore({ config, pool, log }), { config: leadConfig, pool, log });
    t = performance.now();
    await scheduler.scheduleAll(); // the recurring syncs (no digest time yet)
    const syncScheduleS = (performance.now() - t) / 1000;
    // T: the next whole minute that leaves time to schedule the digests (about as long as
    // the syncs took) and start the workers before the prepare jobs, `prepareMin` before T
    const leadMs = Number(options['lead-s'] ?? 25) * 1000 + syncScheduleS * 1000 + prepareMin * 60_000;
    const due = new Date(Math.ceil((Date.now() + leadMs) / 60_000) * 60_000);
    await pool.query(
      `update "user" set digest_time = to_char($1::timestamptz at time zone timezone, 'HH24:MI')
        where display_name like 'fleet-%'`,
      [due],
    );
    t = performance.now();
    const counts = await scheduler.scheduleAll();
    const digestScheduleS = (performance.now() - t) / 1000;
    await scheduler.stop(0);
    const prepareAt = new Date(due.getTime() - prepareMin * 60_000);
    const { rows: dueRows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from agenda_jobs where name = $1 and next_run_at = $2`,
      [JOB.sellerDigest, prepareAt],
    );
    const dueJobs = dueRows[0]?.n ?? 0;
    if (dueJobs !== sellers) {
      throw new Error(`${dueJobs} of ${sellers} digest jobs are due at ${prepareAt.toISOString()}`);
    }
    process.stderr.write(
      `${counts.created} digest jobs scheduled in ${digestScheduleS.toFixed(1)} s, all due at ${prepareAt.toISOString()} (digests at ${due.toISOString()})\n`,
    );

    // ------------------------------------------------------------- the workers
    const env = {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_API_URL: slack.apiUrl,
      ...twilioEnv({ TWILIO_BASE_URL: twilio.baseUrl, TWILIO_MESSAGES_PER_S: String(mps) }),
      SYNC_CONCURRENCY: String(syncConcurrency),
      DIGEST_PREPARE_MINUTES: String(prepareMin),
      ...(options['lock-s'] ? { JOB_LOCK_LIFETIME_MS: String(Number(options['lock-s']) * 1000) } : {}),
    };
    workers.push(...(await Promise.all(Array.from({ length: workerCount }, () => startWorkerProcess(db, env)))));
    const upBeforeDueS = (due.getTime() - Date.now()) / 1000;
    const upBeforePrepareS = (prepareAt.getTime() - Date.now()) / 1000;
    process.stderr.write(
      `${workerCount} workers up ${upBeforePrepareS.toFixed(1)} s before the prepare jobs, ${upBeforeDueS.toFixed(1)} s before T\n`,
    );
    // CPU and database transactions from here to the last digest: what a digest costs
    const pgPids = postgresPids();
    // the server counts its ended backends (a pool closes idle clients)
    const cpuOf = (pids: number[]) =>
      pids.reduce((sum, pid, k) => sum + cpuSeconds(pid, k === 0 && pids === pgPids), 0);
    const workerPids = workers.map((w) => w.child.pid ?? 0);
    const commits = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            'select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()',
          )
        ).rows[0]?.n ?? 0,
      );
    const before = { worker: cpuOf(workerPids), pg: cpuOf(pgPids), self: process.cpuUsage(), xacts: await commits() };
    const workerPeaks = workers.map(() => 0);
    const sampleRss = () =>
      workers.forEach((w, k) => {
        workerPeaks[k] = Math.max(workerPeaks[k] ?? 0, w.peakRssMb() ?? 0);
      });

    // ------------------------------------------------------------- what arrives
    const dueAt = due.getTime() - performance.timeOrigin; // T on the stand-ins' clock (performance.now())
    const sentAt = new Map<number, number>(); // seller → their digest's arrival, ms after T
    const digestsOf = new Map<number, number>(); // seller → digests seen
    const chartsOf = new Map<number, number>();
    let slackSeen = 0;
    let twilioSeen = 0;
    let lastCallAt = performance.now();
    const read = () => {
      for (; slackSeen < slack.calls.length; slackSeen++) {
        const call = slack.calls[slackSeen];
        if (!call) continue;
        lastCallAt = performance.now();
        const seller = call.channel === undefined ? undefined : slackOf.get(call.channel);
        if (seller === undefined) continue;
        if (call.method === 'chat.postMessage') {
          digestsOf.set(seller, (digestsOf.get(seller) ?? 0) + 1);
          if (!sentAt.has(seller)) sentAt.set(seller, call.at - dueAt);
        } else if (call.method === 'files.completeUploadExternal') {
          chartsOf.set(seller, (chartsOf.get(seller) ?? 0) + 1);
        }
      }
      for (; twilioSeen < twilio.messages.length; twilioSeen++) {
        const message = twilio.messages[twilioSeen];
        if (!message) continue;
        lastCallAt = performance.now();
        const seller = whatsappOf.get(message.to);
        if (seller === undefined) continue;
        // a digest's first message names it; a long one goes on in more messages
        if (/ShopIQ (weekly )?digest for/.test(message.body ?? '')) {
          digestsOf.set(seller, (digestsOf.get(seller) ?? 0) + 1);
          if (!sentAt.has(seller)) sentAt.set(seller, message.at - dueAt);
        }
      }
    };
    // the lead window: the prepare jobs run; what they cost is taken at T
    const preparedCount = async () =>
      (
        await pool.query<{ n: number }>(
          `select count(*)::int as n from digest_delivery where state = 'prepared' and send_at = $1`,
          [due],
        )
      ).rows[0]?.n ?? 0;
    while (Date.now() < due.getTime() - 1500) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(5000, Math.max(0, due.getTime() - 1500 - Date.now()))),
      );
      sampleRss();
      const toT = (due.getTime() - Date.now()) / 1000;
      process.stderr.write(`\rT-${toT.toFixed(0)} s: ${await preparedCount()} / ${sellers} digests prepared   `);
    }
    const preparedAtT = await preparedCount();
    while (Date.now() < due.getTime()) await new Promise((resolve) => setTimeout(resolve, 10));
    const atT = { worker: cpuOf(workerPids), pg: cpuOf(pgPids), xacts: await commits() };
    process.stderr.write(`\rat T: ${preparedAtT} / ${sellers} digests prepared${' '.repeat(20)}\n`);
    const deadline = performance.now() + Math.max(0, due.getTime() - Date.now()) + timeoutS * 1000;
    let reported = -1;
    while (sentAt.size < sellers && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      read();
      sampleRss();
      const sinceDue = (Date.now() - due.getTime()) / 1000;
      if (sinceDue >= 0 && Math.floor(sinceDue / 5) !== reported) {
        reported = Math.floor(sinceDue / 5);
        process.stderr.write(`\rT+${sinceDue.toFixed(0)} s: ${sentAt.size} / ${sellers} digests sent   `);
      }
    }
    process.stderr.write(`\r${sentAt.size} / ${sellers} digests sent${' '.repeat(20)}\n`);
    const selfCpu = process.cpuUsage(before.self);
    const sendSpent = {
      worker: cpuOf(workerPids) - atT.worker,
      pg: cpuOf(pgPids) - atT.pg,
      xacts: (await commits()) - atT.xacts,
    };
    const spent = {
      worker: cpuOf(workerPids) - before.worker,
      pg: cpuOf(pgPids) - before.pg,
      self: (selfCpu.user + selfCpu.system) / 1e6,
      xacts: (await commits()) - before.xacts,
    };
    // the rest of what was on its way (charts, a second digest a worker might send): until
    // the stand-ins have heard nothing for longer than a job scan (at most 5 s), 60 s at most
    const settleUntil = performance.now() + 60_000;
    while (performance.now() - lastCallAt < 6_000 && performance.now() < settleUntil) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      read();
      sampleRss();
    }
    read();
    sampleRss();

    const { rows: prepared } = await pool.query<{ before_t: number; first_s: number | null; last_s: number | null }>(
      `select count(*) filter (where prepared_at < $1)::int as before_t,
              extract(epoch from min(prepared_at) - $1)::float as first_s,
              extract(epoch from max(prepared_at) filter (where prepared_at < $1) - $1)::float as last_s
         from digest_delivery where send_at = $1`,
      [due],
    );
    const { rows: deliveries } = await pool.query<{ rows: number; twice: string[] }>(
      `select count(*)::int as rows,
              coalesce(array_agg(distinct user_id::text) filter (where n > 1), '{}') as twice
         from (select user_id, count(*) over (partition by user_id) as n from digest_delivery) d`,
    );
    const twiceInDb = new Set(deliveries[0]?.twice ?? []);
    const idOf = new Map(ids.map((s) => [s.i, s.id]));
    let sentTwo = twiceInDb.size;
    for (const [seller, n] of digestsOf) if (n > 1 && !twiceInDb.has(idOf.get(seller) ?? '')) sentTwo++;
    const delays = [...sentAt.values()].map((ms) => ms / 1000);
    const allSentS = sentAt.size === sellers ? Math.max(...delays) : Number.NaN;
    const slackSellers = slackOf.size;
    const slackSent = [...sentAt.keys()].filter((i) => !onWhatsApp(i)).length;
    const chartsSent = [...chartsOf.values()].reduce((a, b) => a + b, 0);
    const lastOf = (whatsapp: boolean) =>
      Math.max(0, ...[...sentAt].filter(([i]) => onWhatsApp(i) === whatsapp).map(([, ms]) => ms / 1000));
    for (const [k, w] of workers.entries()) workerPeaks[k] = Math.max(workerPeaks[k] ?? 0, (await w.stop()) ?? 0);
    workers.length = 0;

    return {
      params: {
        sellers,
        workers: workerCount,
        zones: ZONES.length,
        whatsapp_sellers: whatsappOf.size,
        slack_sellers: slackSellers,
        whatsapp_messages_per_s: mps,
        sync_concurrency: syncConcurrency,
        orders_per_seller: DAYS * MARKETPLACES.length,
        due_at: due.toISOString(),
        prepare_minutes: prepareMin,
        workers_up_before_due_s: round(upBeforeDueS, 1),
        workers_up_before_prepare_s: round(upBeforePrepareS, 1),
        seed_s: round(seedS, 1),
        schedule_digests_s: round(digestScheduleS, 2),
        timeout_s: timeoutS,
      },
      metrics: {
        prepared_before_t: prepared[0]?.before_t ?? 0,
        prepared_at_t: preparedAtT,
        // claims of the digests prepared before T, in seconds from T (negative: before)
        prepare_first_s: round(prepared[0]?.first_s ?? Number.NaN, 1),
        prepare_last_s: round(prepared[0]?.last_s ?? Number.NaN, 1),
        all_sent_s: round(allSentS, 1),
        sent: sentAt.size,
        missing: sellers - sentAt.size,
        sent_within_2_min: delays.filter((s) => s <= GOAL_S).length,
        delay_p50_s: round(percentile(delays, 50), 1),
        delay_p95_s: round(percentile(delays, 95), 1),
        first_sent_s: round(Math.min(...delays), 2),
        sent_per_s: round(sentAt.size / Math.max(...delays, 1e-3), 1),
        sellers_sent_two: sentTwo,
        digest_delivery_rows: deliveries[0]?.rows ?? 0,
        slack_sent: slackSent,
        whatsapp_sent: sentAt.size - slackSent,
        slack_all_sent_s: round(lastOf(false), 1),
        whatsapp_all_sent_s: round(lastOf(true), 1),
        whatsapp_messages: twilio.messages.length,
        charts_sent: chartsSent,
        charts_left_out: slackSent - chartsSent,
        worker_peak_rss_mb: Math.max(0, ...workerPeaks),
        // per digest sent, from the workers' start to the last digest (all workers; the
        // database's server and backends; this process: the stand-ins)
        worker_cpu_ms_per_digest: round((spent.worker * 1000) / Math.max(1, sentAt.size), 1),
        postgres_cpu_ms_per_digest: round((spent.pg * 1000) / Math.max(1, sentAt.size), 1),
        stand_ins_cpu_ms_per_digest: round((spent.self * 1000) / Math.max(1, sentAt.size), 1),
        db_transactions_per_digest: round(spent.xacts / Math.max(1, sentAt.size), 1),
        // of which from T: the send alone
        send_worker_cpu_ms_per_digest: round((sendSpent.worker * 1000) / Math.max(1, sentAt.size), 1),
        send_postgres_cpu_ms_per_digest: round((sendSpent.pg * 1000) / Math.max(1, sentAt.size), 1),
        send_db_transactions_per_digest: round(sendSpent.xacts / Math.max(1, sentAt.size), 1),
        within_2_min: sentAt.size === sellers && allSentS <= GOAL_S && sentTwo === 0 ? 1 : 0,
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await slack.stop();
    await twilio.stop();
    await db.stop();
  }
}

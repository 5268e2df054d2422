/**
 * slack: the Slack channel under load, as Slack drives it. Signed Events API
 * deliveries of DM questions go over loopback to `POST /slack/events` of one web
 * process (`createApp`, role web), `--rate` events/s (default 100) paced by the clock,
 * `--events` of them (default 200) from `--users` linked Slack users (default 50) of
 * one seller with `--orders` orders (default 20,000, data fresh). Every event is
 * delivered twice: the retry (`x-slack-retry-num: 1`) 50–200 ms after the first, often
 * while the first is being answered. The model is scripted with no latency (one tool
 * call, sales by `--by`, default marketplace, which brings a table and a chart; `none`:
 * the total alone; then a streamed answer). Slack's Web API is a local stand-in that
 * records when each call for a thread arrives; it and the load run in a child process.
 *
 * Measured: the HTTP response time of every delivery (ack), the time from an event's
 * first delivery to the first Slack call for its thread (status or stream start) and
 * to its answer (stopStream or postMessage), answers given twice or never. Beside it,
 * in the same run: the engine alone answering the same question (`app.engine.handle`).
 *
 * `--metrics on` serves `GET /metrics` (METRICS_PORT) and scrapes it every
 * `--scrape-s` seconds (default 1; Prometheus' default is 15) during the run; `off`
 * (default) serves none, and then nothing is recorded either. `cpu_ms_per_answer`
 * (the web process's CPU over the run, per answer) is what capacity goes by: compare
 * it between alternated runs of both.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type App, createApp } from '../src/app.ts';
import { registry } from '../src/observability/metrics.ts';
import { freePort } from '../test/support/oauth-browser.ts';
import { SIGNING_SECRET, TEAM } from '../test/support/slack-payloads.ts';
import type { Bench } from './run.ts';
import {
  countBy,
  engineBaseline,
  processMetrics,
  seedChatSeller,
  serverSideTimes,
  timeEngine,
} from './support/chat-bench.ts';
import { scriptedModel } from './support/scripted-model.ts';
import { ANSWER_CALLS, type SentEvent, startSlackLoad } from './support/slack-load.ts';
import type { StandInCall } from './support/slack-stand-in.ts';
import { percentile, round } from './support/stats.ts';
import { openBenchDatabase, rssSampler } from './support/sync-setup.ts';

const QUESTION = 'What were my sales last month by marketplace?';
/** Slack calls that show a turn has begun: its status line, its stream, or a whole message. */
const FIRST_CALLS = new Set(['assistant.threads.setStatus', 'chat.startStream', 'chat.postMessage']);
const WARM_UP_EVENTS = 20;

const bench: Bench = async (options) => {
  const metricsOn = options.metrics === 'on';
  const scrapeS = Number(options['scrape-s'] ?? 1);
  const orders = Number(options.orders ?? 20_000);
  const events = Number(options.events ?? 200);
  const rate = Number(options.rate ?? 100);
  const users = Number(options.users ?? 50);
  const engineTurns = Number(options['engine-turns'] ?? 100);
  const timeoutS = Number(options.timeout ?? 45);
  const by = options.by === 'none' ? null : (options.by ?? 'marketplace');
  const slack = await startSlackLoad();
  const db = await openBenchDatabase({
    LLM_DAILY_TOKENS_PER_SELLER: '1000000000',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_API_URL: slack.apiUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: metricsOn ? String(await freePort()) : '0',
  });
  let app: App | undefined;
  const rss = rssSampler();
  try {
    process.stderr.write(`seeding ${orders} orders, linking ${users} Slack users\n`);
    const slackUsers = Array.from({ length: users }, (_, i) => `U${String(i).padStart(4, '0')}BENCH`);
    const identities = slackUsers.map((user) => ({ channel: 'slack' as const, externalId: `${TEAM}:${user}` }));
    const userId = await seedChatSeller(db.pool, orders, identities);
    app = createApp(db.config, { role: 'web', log: db.log, llm: scriptedModel(by) });
    await app.start();

    const { engine, chart } = await timeEngine(app, { userId, channel: 'slack', question: QUESTION }, engineTurns);
    process.stderr.write(
      `engine alone: p50 ${round(percentile(engine, 50), 1)} ms; chart ${round(percentile(chart, 50), 1)} ms\n`,
    );
    const plan = { url: app.url, users: slackUsers, question: QUESTION, timeoutS };
    await slack.deliver({ ...plan, count: WARM_UP_EVENTS, rate: 20 });
    await app.gateway.idle();

    process.stderr.write(`${events} events at ${rate}/s, each delivered twice\n`);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const served = serverSideTimes('/slack/events');
    const scrapes = metricsOn ? scrapeEvery(db.config.metricsPort as number, scrapeS) : undefined;
    const cpu = process.cpuUsage();
    const run = await slack.deliver({ ...plan, count: events, rate });
    served.stop();
    loop.disable();
    await app.gateway.idle();
    const cpuUsed = process.cpuUsage(cpu);
    const scraped = await scrapes?.stop();
    // what one scrape costs the web process (the registry written out, every series of
    // the run in it), apart from the HTTP around it
    const scrapeCpuMs = metricsOn ? await registryWriteCpuMs() : undefined;
    const turns = readTurns(await slack.calls(), run.sent);

    const first = run.sent[0]?.sentAt ?? 0;
    const last = run.sent.at(-1)?.sentAt ?? first;
    const lastAnswer = Math.max(...turns.answerAt);
    const ms = (values: number[], q: number) => round(percentile(values, q), 1);
    return {
      params: {
        orders,
        events,
        rate,
        users,
        by: by ?? 'none',
        metrics: metricsOn ? `on, scraped every ${scrapeS} s` : 'off',
        engine_turns: engineTurns,
        deliveries_per_event: 2,
        retries_sent_before_the_answer: turns.retriesBeforeAnswer,
        slack_calls: countBy(turns.calls.map((c) => c.method)),
      },
      metrics: {
        ack_p50_ms: ms(run.acks, 50),
        ack_p99_ms: ms(run.acks, 99),
        ack_max_ms: ms(run.acks, 100),
        // the same deliveries timed inside the web process: request in to response out
        ack_server_p50_ms: ms(served.times, 50),
        ack_server_p99_ms: ms(served.times, 99),
        refused_deliveries: run.refused,
        first_call_p50_ms: ms(turns.firstCall, 50),
        first_call_p95_ms: ms(turns.firstCall, 95),
        answer_p50_ms: ms(turns.answer, 50),
        answer_p95_ms: ms(turns.answer, 95),
        duplicate_answers: turns.duplicates,
        missing_answers: turns.missing,
        events_per_s: round(((run.sent.length - 1) * 1000) / (last - first), 1),
        answers_per_s: round((turns.answer.length * 1000) / (lastAnswer - first), 1),
        cpu_ms_per_answer: round((cpuUsed.user + cpuUsed.system) / 1000 / Math.max(1, turns.answer.length), 2),
        ...(scraped ? { scrapes: scraped.count, scrape_bytes: scraped.bytes } : {}),
        ...(scrapeCpuMs !== undefined
          ? {
              scrape_cpu_ms: round(scrapeCpuMs, 2),
              // one core's share at Prometheus' default interval
              scrape_cpu_pct_at_15s: round((scrapeCpuMs / 15_000) * 100, 3),
            }
          : {}),
        ...processMetrics(loop, rss),
      },
      baseline: engineBaseline({ engine, chart }),
      ratio: {
        first_call_p95_vs_engine_p95: round(percentile(turns.firstCall, 95) / percentile(engine, 95), 2),
        answer_p50_vs_engine_p50: round(percentile(turns.answer, 50) / percentile(engine, 50), 2),
      },
    };
  } finally {
    rss.stop();
    await app?.stop();
    await db.stop();
    await slack.stop();
  }
};

/** CPU milliseconds of writing the registry out once (the mean of 20). */
async function registryWriteCpuMs(): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < 20; i++) await registry.metrics();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / 20;
}

/** Scrapes `GET /metrics` as Prometheus does, every `seconds`, until stopped. */
function scrapeEvery(port: number, seconds: number) {
  let count = 0;
  let bytes = 0;
  const scrape = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    count++;
    bytes = text.length;
  };
  let last = scrape();
  const timer = setInterval(() => {
    last = last.then(scrape);
  }, seconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await last;
      return { count, bytes };
    },
  };
}

/** Per event, from the stand-in's record: its first call, its answer, answers twice or never. */
function readTurns(calls: StandInCall[], sent: SentEvent[]) {
  const byThread = new Map<string, StandInCall[]>();
  for (const call of calls) {
    if (!call.threadTs) continue;
    const mine = byThread.get(call.threadTs) ?? [];
    mine.push(call);
    byThread.set(call.threadTs, mine);
  }
  const turns = {
    firstCall: [] as number[],
    answer: [] as number[],
    answerAt: [] as number[],
    duplicates: 0,
    missing: 0,
  };
  let retriesBeforeAnswer = 0;
  for (const event of sent) {
    const mine = byThread.get(event.threadTs) ?? [];
    const first = mine.find((c) => FIRST_CALLS.has(c.method));
    if (first) turns.firstCall.push(first.at - event.sentAt);
    const answers = mine.filter((c) => ANSWER_CALLS.has(c.method));
    const answer = answers[0];
    if (!answer) {
      turns.missing++;
      continue;
    }
    turns.answer.push(answer.at - event.sentAt);
    turns.answerAt.push(answer.at);
    if (answers.length > 1) turns.duplicates++;
    if (event.retrySentAt < answer.at) retriesBeforeAnswer++;
  }
  return { ...turns, retriesBeforeAnswer, calls: sent.flatMap((s) => byThread.get(s.threadTs) ?? []) };
}

export default bench;

/**
 * whatsapp: the WhatsApp channel under load, as Twilio drives it. Signed webhooks of
 * inbound messages go over loopback to `POST /twilio/whatsapp` of one web process
 * (`createApp`, role web), `--rate` messages/s (default 100) paced by the clock,
 * `--messages` of them (default 200), each with its own MessageSid, from `--numbers`
 * linked WhatsApp numbers (default one per message) of one seller with `--orders`
 * orders (default 20,000, data fresh). Every message is delivered twice, the repeat
 * 50–200 ms after the first (`--repeat-sid new`: the repeat under a new MessageSid,
 * which must show as duplicate answers). The model is scripted with no latency (sales
 * by `--by`, default marketplace: a table and a chart; `none`: the total alone).
 * Twilio's REST API is a local stand-in that records each message sent, its To and when
 * it arrived; it and the load run in a child process. ShopIQ sends at most
 * `--mps` messages a second (TWILIO_MESSAGES_PER_S, default 10, the product's default).
 *
 * Measured: the HTTP response time of every webhook, the time from a message's first
 * delivery to the first message sent to its number and to its answer, answers given
 * twice or never, the most messages sent in any second. Beside it, in the same run: the
 * engine alone answering the same question (`app.engine.handle`).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type App, createApp } from '../src/app.ts';
import { twilioEnv } from '../test/support/twilio-payloads.ts';
import type { Bench } from './run.ts';
import { engineBaseline, processMetrics, seedChatSeller, serverSideTimes, timeEngine } from './support/chat-bench.ts';
import { SCRIPTED_ANSWER_DELTAS, scriptedModel } from './support/scripted-model.ts';
import { percentile, round } from './support/stats.ts';
import { openBenchDatabase, rssSampler } from './support/sync-setup.ts';
import type { OutboundMessage } from './support/twilio-stand-in.ts';
import { type SentMessage, startWhatsAppLoad, WEBHOOK_PATH } from './support/whatsapp-load.ts';

const QUESTION = 'What were my sales last month by marketplace?';
/** How every answer's first message begins (the scripted answer, as WhatsApp text). */
const ANSWER_START = SCRIPTED_ANSWER_DELTAS[0]?.trim() as string;
const WARM_UP_MESSAGES = 10;

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 20_000);
  const messages = Number(options.messages ?? 200);
  const rate = Number(options.rate ?? 100);
  const numbers = Number(options.numbers ?? messages);
  const mps = Number(options.mps ?? 10);
  const engineTurns = Number(options['engine-turns'] ?? 100);
  // an answer is a text and a chart, and a slow one a "Looking…" before them: all at the sender's pace
  const timeoutS = Number(options.timeout ?? Math.ceil((messages * 3) / mps) + 15);
  const by = options.by === 'none' ? null : (options.by ?? 'marketplace');
  const newSidOnRepeat = options['repeat-sid'] === 'new';
  const twilio = await startWhatsAppLoad();
  const db = await openBenchDatabase({
    LLM_DAILY_TOKENS_PER_SELLER: '1000000000',
    ...twilioEnv({ TWILIO_BASE_URL: twilio.baseUrl, TWILIO_MESSAGES_PER_S: String(mps) }),
    HOST: '127.0.0.1',
    PORT: '0',
  });
  let app: App | undefined;
  const rss = rssSampler();
  try {
    process.stderr.write(`seeding ${orders} orders, linking ${numbers} WhatsApp numbers\n`);
    const number = (i: number) => `+9198${String(i).padStart(8, '0')}`;
    const loadNumbers = Array.from({ length: numbers }, (_, i) => number(i));
    const warmUpNumbers = Array.from({ length: WARM_UP_MESSAGES }, (_, i) => number(90_000_000 + i));
    const identities = [...loadNumbers, ...warmUpNumbers].map((n) => ({ channel: 'whatsapp' as const, externalId: n }));
    const userId = await seedChatSeller(db.pool, orders, identities);
    app = createApp(db.config, { role: 'web', log: db.log, llm: scriptedModel(by) });
    await app.start();

    const turn = { userId, channel: 'whatsapp' as const, question: QUESTION };
    const { engine, chart } = await timeEngine(app, turn, engineTurns);
    process.stderr.write(
      `engine alone: p50 ${round(percentile(engine, 50), 1)} ms; chart ${round(percentile(chart, 50), 1)} ms\n`,
    );
    const plan = { url: app.url, question: QUESTION, answerStart: ANSWER_START, newSidOnRepeat, timeoutS };
    await twilio.deliver({ ...plan, numbers: warmUpNumbers, count: WARM_UP_MESSAGES, rate: 20 });
    await app.gateway.idle();
    const warmUpSent = (await twilio.messages()).length;

    process.stderr.write(`${messages} messages at ${rate}/s, each delivered twice, answers at ${mps}/s at most\n`);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const served = serverSideTimes(WEBHOOK_PATH);
    const run = await twilio.deliver({ ...plan, numbers: loadNumbers, count: messages, rate });
    served.stop();
    loop.disable();
    await app.gateway.idle();
    const outbound = (await twilio.messages()).slice(warmUpSent);
    const turns = readTurns(outbound, run.sent);

    const first = run.sent[0]?.sentAt ?? 0;
    const last = run.sent.at(-1)?.sentAt ?? first;
    const lastOut = Math.max(...outbound.map((m) => m.at));
    const ms = (values: number[], q: number) => round(percentile(values, q), 1);
    return {
      params: {
        orders,
        messages,
        rate,
        numbers,
        mps,
        by: by ?? 'none',
        repeat_sid: newSidOnRepeat ? 'new' : 'same',
        engine_turns: engineTurns,
        deliveries_per_message: 2,
        repeats_sent_before_the_answer: turns.repeatsBeforeAnswer,
        outbound_messages: { answers: turns.answers, charts: turns.charts, other: turns.other },
      },
      metrics: {
        webhook_p50_ms: ms(run.acks, 50),
        webhook_p99_ms: ms(run.acks, 99),
        webhook_max_ms: ms(run.acks, 100),
        // the same webhooks timed inside the web process: request in to response out
        webhook_server_p50_ms: ms(served.times, 50),
        webhook_server_p99_ms: ms(served.times, 99),
        refused_deliveries: run.refused,
        first_outbound_p50_ms: ms(turns.firstOutbound, 50),
        first_outbound_p95_ms: ms(turns.firstOutbound, 95),
        answer_p50_ms: ms(turns.answer, 50),
        answer_p95_ms: ms(turns.answer, 95),
        duplicate_answers: turns.duplicates,
        missing_answers: turns.missing,
        messages_per_s: round(((run.sent.length - 1) * 1000) / (last - first), 1),
        outbound_per_s: round((outbound.length * 1000) / (lastOut - first), 1),
        outbound_max_per_s: mostInOneSecond(outbound.map((m) => m.at)),
        outbound_min_gap_ms: round(Math.min(...gaps(outbound.map((m) => m.at))), 1),
        ...processMetrics(loop, rss),
      },
      baseline: engineBaseline({ engine, chart }),
      ratio: {
        first_outbound_p95_vs_engine_p95: round(percentile(turns.firstOutbound, 95) / percentile(engine, 95), 2),
        answer_p50_vs_engine_p50: round(percentile(turns.answer, 50) / percentile(engine, 50), 2),
      },
    };
  } finally {
    rss.stop();
    await app?.stop();
    await db.stop();
    await twilio.stop();
  }
};

/**
 * Per number, from the stand-in's record (outbound names no MessageSid: a number's
 * messages and answers are paired in order). An answer is a message whose body begins
 * as the scripted answer does; a number with more answers (or charts) than messages it
 * sent was answered twice. First outbound: the first message of each number to the
 * first message sent to it, whatever it is ("Looking at…" or the answer).
 */
function readTurns(outbound: OutboundMessage[], sent: SentMessage[]) {
  const toNumber = new Map<string, OutboundMessage[]>();
  for (const message of outbound) {
    const mine = toNumber.get(message.to) ?? [];
    mine.push(message);
    toNumber.set(message.to, mine);
  }
  const fromNumber = new Map<string, SentMessage[]>();
  for (const message of sent) fromNumber.set(message.number, [...(fromNumber.get(message.number) ?? []), message]);
  const turns = { firstOutbound: [] as number[], answer: [] as number[], duplicates: 0, missing: 0 };
  let repeatsBeforeAnswer = 0;
  for (const [number, asked] of fromNumber) {
    const mine = toNumber.get(`whatsapp:${number}`) ?? [];
    const [firstAsked] = asked as [SentMessage];
    const firstOut = mine.find((m) => m.at >= firstAsked.sentAt);
    if (firstOut) turns.firstOutbound.push(firstOut.at - firstAsked.sentAt);
    const answers = mine.filter((m) => m.body?.startsWith(ANSWER_START));
    const charts = mine.filter((m) => m.mediaUrl);
    asked.forEach((message, k) => {
      const answer = answers[k];
      if (!answer) return;
      turns.answer.push(answer.at - message.sentAt);
      if (message.repeatSentAt < answer.at) repeatsBeforeAnswer++;
    });
    turns.missing += Math.max(0, asked.length - answers.length);
    turns.duplicates += Math.max(0, answers.length - asked.length, charts.length - asked.length);
  }
  const answers = outbound.filter((m) => m.body?.startsWith(ANSWER_START)).length;
  const charts = outbound.filter((m) => m.mediaUrl).length;
  return { ...turns, repeatsBeforeAnswer, answers, charts, other: outbound.length - answers - charts };
}

/** The most arrivals (performance.now() ms) within any 1-second window. */
function mostInOneSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** The time between each arrival and the next. */
function gaps(times: number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((t, i) => t - (sorted[i] as number));
}

export default bench;

/**
 * What the chat channel benchmarks (slack, whatsapp) share: one seller with their
 * linked chat identities, the engine alone answering the same question (their
 * baseline), and the web process's own time over each webhook request.
 */
import diagnostics from 'node:diagnostics_channel';
import type { monitorEventLoopDelay } from 'node:perf_hooks';
import type pg from 'pg';
import type { App } from '../../src/app.ts';
import { renderChart } from '../../src/conversation/charts/chart-renderer.ts';
import { type ChatIdentity, linkIdentity } from '../../src/identity/chat-identities.ts';
import { seedBenchSeller, seedUsdInrRates } from './analytics-data.ts';
import { SCRIPTED_ANSWER_DELTAS } from './scripted-model.ts';
import { percentile, round } from './stats.ts';

const CHARTS_TIMED = 30;

/** One seller with `orders` orders (data fresh), reached through every identity given; their user id. */
export async function seedChatSeller(pool: pg.Pool, orders: number, identities: ChatIdentity[]): Promise<string> {
  await seedUsdInrRates(pool);
  const userId = await seedBenchSeller(pool, 'bench', orders);
  for (const identity of identities) await linkIdentity(pool, identity, userId);
  await pool.query('analyze');
  return userId;
}

/**
 * The same question to the engine alone, one turn at a time, each in a new conversation,
 * and (the first 30 times) its chart drawn, which the channel's output does after the engine: ms each.
 */
export async function timeEngine(
  app: App,
  turn: { userId: string; channel: ChatIdentity['channel']; question: string },
  turns: number,
): Promise<{ engine: number[]; chart: number[] }> {
  const took = { engine: [] as number[], chart: [] as number[] };
  for (let i = -20; i < turns; i++) {
    let t = performance.now();
    const reply = await app.engine.handle({ ...turn, conversationId: `engine:${i}`, text: turn.question });
    if (i >= 0) took.engine.push(performance.now() - t);
    if (!reply.text.startsWith(SCRIPTED_ANSWER_DELTAS.join(''))) throw new Error(`unexpected reply: ${reply.text}`);
    if (i < 0 || i >= CHARTS_TIMED) continue;
    t = performance.now();
    for (const spec of reply.charts ?? []) await renderChart(spec);
    took.chart.push(performance.now() - t);
  }
  return took;
}

/**
 * How long the web process took over each request to `path`, from Node's own HTTP
 * diagnostics channels: what the response costs there, without the load generator's
 * own delays in reading it.
 */
export function serverSideTimes(path: string): { times: number[]; stop(): void } {
  const started = new WeakMap<object, number>();
  const times: number[] = [];
  const onStart = (message: unknown) => {
    const { request, response } = message as { request: { url?: string }; response: object };
    if (request.url?.startsWith(path)) started.set(response, performance.now());
  };
  const onFinish = (message: unknown) => {
    const { response } = message as { response: object };
    const at = started.get(response);
    if (at !== undefined) times.push(performance.now() - at);
  };
  diagnostics.subscribe('http.server.request.start', onStart);
  diagnostics.subscribe('http.server.response.finish', onFinish);
  return {
    times,
    stop() {
      diagnostics.unsubscribe('http.server.request.start', onStart);
      diagnostics.unsubscribe('http.server.response.finish', onFinish);
    },
  };
}

export const countBy = (values: string[]) =>
  Object.fromEntries([...new Set(values)].map((v) => [v, values.filter((x) => x === v).length]));

/** The engine alone and the chart alone, as both benchmarks report them beside the channel. */
export function engineBaseline(took: { engine: number[]; chart: number[] }) {
  const ms = (values: number[], q: number) => round(percentile(values, q), 1);
  return {
    engine_p50_ms: ms(took.engine, 50),
    engine_p95_ms: ms(took.engine, 95),
    chart_render_p50_ms: ms(took.chart, 50),
    chart_render_p95_ms: ms(took.chart, 95),
  };
}

/** The web process's own health over the load: event-loop delay and peak memory. */
export function processMetrics(loop: ReturnType<typeof monitorEventLoopDelay>, rss: { peakMb(): number }) {
  return {
    event_loop_delay_p99_ms: round(loop.percentile(99) / 1e6, 1),
    event_loop_delay_max_ms: round(loop.max / 1e6, 1),
    peak_rss_mb: rss.peakMb(),
  };
}

/**
 * What ShopIQ exposes to Prometheus (`GET /metrics` on METRICS_PORT, its own port, never
 * behind the public Ingress): one registry per process, which the code that does the
 * work records into (HTTP, answers, model tokens, sync runs) and which reads the
 * database pool's use when scraped. Labels are bounded sets (route patterns, never
 * paths; marketplaces; outcomes), so series do not grow with sellers or requests.
 */
import type http from 'node:http';
import type { RequestHandler } from 'express';
import type pg from 'pg';
import client from 'prom-client';
import { listen, type RunningServer } from '../http/http-server.ts';

export const registry = new client.Registry();
/**
 * Whether this process records: from the first `startMetricsServer` on. A process that
 * serves no metrics (METRICS_PORT=0, the CLI's one-shot commands) pays nothing for them.
 */
let recording = false;

const httpRequests = new client.Counter({
  name: 'shopiq_http_requests_total',
  help: 'HTTP requests served, by route pattern, method and status',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});
const httpDuration = new client.Histogram({
  name: 'shopiq_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route pattern and method',
  labelNames: ['route', 'method'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const answers = new client.Counter({
  name: 'shopiq_answers_total',
  help: 'Questions answered, by mode (model, or limited: no model, budget spent, model unavailable)',
  labelNames: ['mode'] as const,
  registers: [registry],
});
const answerDuration = new client.Histogram({
  name: 'shopiq_answer_duration_seconds',
  help: 'Time to answer a question, freshness wait included, by mode',
  labelNames: ['mode'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40],
  registers: [registry],
});
const modelTokens = new client.Counter({
  name: 'shopiq_model_tokens_total',
  help: 'Model tokens spent, by kind (input, cached read, cache write, output)',
  labelNames: ['kind'] as const,
  registers: [registry],
});
const syncRuns = new client.Counter({
  name: 'shopiq_sync_runs_total',
  help: 'Connection sync runs, by marketplace and outcome',
  labelNames: ['marketplace', 'outcome'] as const,
  registers: [registry],
});
const syncOrders = new client.Counter({
  name: 'shopiq_sync_orders_written_total',
  help: 'Orders inserted or changed by syncs, by marketplace',
  labelNames: ['marketplace'] as const,
  registers: [registry],
});
const syncApiCalls = new client.Counter({
  name: 'shopiq_sync_api_calls_total',
  help: 'Marketplace API requests made by syncs, by marketplace',
  labelNames: ['marketplace'] as const,
  registers: [registry],
});
const syncThrottled = new client.Counter({
  name: 'shopiq_sync_throttled_calls_total',
  help: 'Marketplace API requests answered with a rate limit, by marketplace',
  labelNames: ['marketplace'] as const,
  registers: [registry],
});

const chatDeliveries = new client.Counter({
  name: 'shopiq_chat_deliveries_total',
  help: 'Chat messages received, by channel and outcome (answered, duplicate: a retry dropped, failed)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});
const chatSendFailures = new client.Counter({
  name: 'shopiq_chat_send_failures_total',
  help: 'Replies that did not reach the seller, by channel and stage (reply, follow_up, or reported by the channel)',
  labelNames: ['channel', 'stage'] as const,
  registers: [registry],
});

/** The job store's table when it is PostgreSQL (MongoDB's queue is not read here). */
let jobsSource: { pool: pg.Pool; table: string } | undefined;
interface QueueState {
  due: number;
  running: number;
  lag: number;
}
/** One read of the queue serves the three gauges of a scrape. */
let queueRead: { at: number; state: Promise<QueueState> } | undefined;
function queueState(): Promise<QueueState> {
  const source = jobsSource;
  if (!source) return Promise.resolve({ due: 0, running: 0, lag: 0 });
  if (!queueRead || Date.now() - queueRead.at > 1000) {
    const state = source.pool
      .query<QueueState>(
        `select count(*) filter (where locked_at is null and next_run_at <= now())::int as due,
                count(*) filter (where locked_at is not null)::int as running,
                coalesce(extract(epoch from now() - min(next_run_at)
                  filter (where locked_at is null and next_run_at <= now())), 0)::float8 as lag
           from ${source.table} where not coalesce(disabled, false)`,
      )
      .then(({ rows }) => rows[0] ?? { due: 0, running: 0, lag: 0 })
      // the database not answering: unknown (NaN), not an empty queue; the scrape still succeeds
      .catch(() => ({ due: Number.NaN, running: Number.NaN, lag: Number.NaN }));
    queueRead = { at: Date.now(), state };
  }
  return queueRead.state;
}
const queueGauge = (name: string, help: string, read: (q: QueueState) => number) =>
  new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(read(await queueState()));
    },
  });
queueGauge('shopiq_jobs_due', 'Jobs due and not yet taken', (q) => q.due);
queueGauge('shopiq_jobs_running', 'Jobs a worker holds', (q) => q.running);
queueGauge(
  'shopiq_jobs_due_lag_seconds',
  'How long the oldest due job has waited to be taken (0: none waits)',
  (q) => q.lag,
);

const pools = new Set<pg.Pool>();
new client.Gauge({
  name: 'shopiq_db_pool_connections',
  help: 'Database pool connections, by state (total, idle, waiting clients)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of pools) {
      total += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});

export type AnswerMode = 'model' | 'no-model' | 'budget' | 'unavailable';

export const metrics = {
  answered(mode: AnswerMode, seconds: number, usage?: Partial<Record<TokenKind, number>>): void {
    if (!recording) return;
    const label = mode === 'model' ? 'model' : `limited_${mode.replace('-', '_')}`;
    answers.inc({ mode: label });
    answerDuration.observe({ mode: label }, seconds);
    for (const [kind, n] of Object.entries(usage ?? {})) if (n) modelTokens.inc({ kind }, n);
  },
  synced(run: {
    marketplace: string;
    status: string;
    ordersUpserted: number;
    apiCalls: number;
    throttledCalls: number;
  }): void {
    if (!recording) return;
    syncRuns.inc({ marketplace: run.marketplace, outcome: run.status });
    syncOrders.inc({ marketplace: run.marketplace }, run.ordersUpserted);
    syncApiCalls.inc({ marketplace: run.marketplace }, run.apiCalls);
    syncThrottled.inc({ marketplace: run.marketplace }, run.throttledCalls);
  },
  delivered(channel: string, outcome: 'answered' | 'duplicate' | 'failed'): void {
    if (!recording) return;
    chatDeliveries.inc({ channel, outcome });
  },
  sendFailed(channel: string, stage: 'reply' | 'follow_up' | 'reported'): void {
    if (!recording) return;
    chatSendFailures.inc({ channel, stage });
  },
  /** Reads the PostgreSQL job store's queue at each scrape. */
  watchJobs(pool: pg.Pool, table: string): void {
    jobsSource = { pool, table };
  },
  /** Reads this pool's use at each scrape, until `forget`. */
  watchPool(pool: pg.Pool): () => void {
    pools.add(pool);
    return () => pools.delete(pool);
  },
};

export type TokenKind = 'input' | 'cache_read' | 'cache_write' | 'output';

/** Counts and times each request under its route pattern (`/oauth/:marketplace/start`), never its path. */
export const httpMetrics: RequestHandler = (req, res, next) => {
  if (!recording) {
    next();
    return;
  }
  const end = httpDuration.startTimer();
  res.on('finish', () => {
    const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
    end({ route, method: req.method });
    httpRequests.inc({ route, method: req.method, status: String(res.statusCode) });
  });
  next();
};

/** `GET /metrics` on a port of its own; recording (and the process's default metrics) start with the first. */
export async function startMetricsServer(host: string, port: number): Promise<RunningServer> {
  if (!recording) {
    client.collectDefaultMetrics({ register: registry, prefix: 'shopiq_' });
    recording = true;
  }
  const serve: http.RequestListener = (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  };
  return listen(serve, host, port, { settings: 'METRICS_PORT, or 0 for none', purpose: 'metrics' });
}

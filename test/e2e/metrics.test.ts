/**
 * `GET /metrics` on METRICS_PORT: after a sync and a chat answer it carries the series
 * operators watch (HTTP by route, answers by mode, sync runs, pool use, the process's
 * own), on its own port and never among the public routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { ChatGateway } from '../../src/channels/chat-gateway.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { freePort } from '../support/oauth-browser.ts';
import { startSandbox } from '../support/sandbox.ts';
import { type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';
import { testConfig } from '../support/test-config.ts';

describe('Prometheus metrics', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let sandbox: Sandbox;
  let app: App;
  let metricsUrl: string;
  let sellerId: string;

  beforeAll(async () => {
    h = await harness();
    const s = await startSandbox({ seed: 7, ordersPerStore: 60 });
    sandbox = s.sandbox;
    sellerId = await h.connect(s.base, '1');
    // the metrics port has no ephemeral choice (0 means none): one free now
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    app = createApp(testConfig({ DATABASE_URL: h.db.url, METRICS_PORT: String(port), LOG_LEVEL: 'silent' }), {
      role: 'web',
    });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
  });

  it('exposes HTTP, answer, chat delivery, sync, job queue, pool and process series after a sync and a chat answer', async () => {
    const synced = await h.sync(sellerId, 'shopify');
    expect(synced.connections.map((c) => c.status)).toEqual(['succeeded']);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/oauth/shopify/start?t=nothing`)).status).toBeGreaterThanOrEqual(400);
    const reply = await app.engine.handle({
      userId: sellerId,
      channel: 'terminal',
      conversationId: 'metrics-test',
      text: 'What were my total sales last month?',
    });
    expect(reply.text).toMatch(/Sales last month/);
    // a chat delivery through the gateway, and the channel's retry of it
    const gateway = new ChatGateway({ db: h.pool, engine: app.engine, log: app.log, maxConcurrentTurns: 2 });
    const sent: string[] = [];
    const output = {
      status() {},
      text() {},
      send: async (r: { text: string }) => void sent.push(r.text),
      followUp: async () => {},
    };
    const delivery = {
      deliveryId: `Ev-metrics-${Date.now()}`,
      identity: { channel: 'slack' as const, externalId: 'T1:U-metrics' },
      conversationId: 'D-metrics',
      text: 'help',
      profile: async () => ({}),
    };
    expect(await gateway.receive(delivery, output)).toBe('answered');
    expect(await gateway.receive(delivery, output)).toBe('duplicate');
    expect(sent).toHaveLength(1);
    // a job due for 5 s that no worker has taken (this service is web only)
    await h.pool.query(
      `insert into agenda_jobs (name, next_run_at, data) values ('metrics-test', now() - interval '5 seconds', '{}')`,
    );

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const series = (pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l));
    // requests by route pattern (never the path with its values) and status, with durations
    expect(series(/^shopiq_http_requests_total\{route="\/healthz",method="GET",status="200"\} [1-9]/)).toHaveLength(1);
    expect(series(/^shopiq_http_requests_total\{route="\/oauth\/:marketplace\/start"/).length).toBeGreaterThan(0);
    expect(text).not.toContain('t=nothing');
    expect(series(/^shopiq_http_request_duration_seconds_bucket\{le="0.1",route="\/healthz"/)).toHaveLength(1);
    // answers by mode, with durations (no model configured: limited mode)
    expect(series(/^shopiq_answers_total\{mode="limited_no_model"\} [1-9]/)).toHaveLength(1);
    expect(series(/^shopiq_answer_duration_seconds_count\{mode="limited_no_model"\} [1-9]/)).toHaveLength(1);
    // the sync: its outcome, orders written, API calls
    expect(series(/^shopiq_sync_runs_total\{marketplace="shopify",outcome="succeeded"\} [1-9]/)).toHaveLength(1);
    const orders = Number(series(/^shopiq_sync_orders_written_total\{marketplace="shopify"\}/)[0]?.split(' ')[1]);
    expect(orders).toBeGreaterThanOrEqual(synced.connections[0]?.ordersUpserted ?? Number.NaN);
    expect(series(/^shopiq_sync_api_calls_total\{marketplace="shopify"\} [1-9]/)).toHaveLength(1);
    expect(series(/^shopiq_sync_throttled_calls_total\{marketplace="shopify"\} \d/)).toHaveLength(1);
    expect(series(/^shopiq_chat_deliveries_total\{channel="slack",outcome="answered"\} [1-9]/)).toHaveLength(1);
    expect(series(/^shopiq_chat_deliveries_total\{channel="slack",outcome="duplicate"\} [1-9]/)).toHaveLength(1);
    expect(text).toContain('# TYPE shopiq_chat_send_failures_total counter');
    // the job queue: depth and how long the oldest due job has waited
    expect(Number(series(/^shopiq_jobs_due /)[0]?.split(' ')[1])).toBeGreaterThanOrEqual(1);
    expect(Number(series(/^shopiq_jobs_due_lag_seconds /)[0]?.split(' ')[1])).toBeGreaterThanOrEqual(5);
    expect(series(/^shopiq_jobs_running \d/)).toHaveLength(1);
    // the service's pool, and the process's own metrics
    expect(series(/^shopiq_db_pool_connections\{state="total"\} [1-9]/)).toHaveLength(1);
    expect(series(/^shopiq_process_cpu_user_seconds_total /)).toHaveLength(1);
    expect(series(/^shopiq_nodejs_heap_size_used_bytes /)).toHaveLength(1);
  });

  it('is served on its own port only, not among the public routes', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });
});

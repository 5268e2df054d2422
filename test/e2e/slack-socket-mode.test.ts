/**
 * Socket Mode, for a developer without a public URL: with SLACK_APP_TOKEN and
 * SLACK_SOCKET_MODE=true the service opens a WebSocket to Slack (here a stand-in on
 * loopback, handed out by a mocked apps.connections.open), acks each envelope and
 * answers through the Web API as over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import type { App } from '../../src/app.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { seedSeller } from '../support/analytics-seed.ts';
import {
  dmEvent,
  eventEnvelope,
  mockSlackApi,
  nextTs,
  SLACK_API,
  type SlackApiMock,
  startWebService,
  TEAM,
} from '../support/slack.ts';
import { useSyncHarness } from '../support/sync-harness.ts';

describe('Slack over Socket Mode', () => {
  const harness = useSyncHarness();
  let app: App;
  let slack: SlackApiMock;
  let server: WebSocketServer;
  let socket: WebSocket | undefined;
  const acked: string[] = [];

  beforeAll(async () => {
    const h = await harness();
    const seller = await seedSeller(h.pool, { name: 'arjun' });
    await linkIdentity(h.pool, { channel: 'slack', externalId: `${TEAM}:U6ARJUN` }, seller.userId);
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => acked.push(JSON.parse(String(data)).envelope_id));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0SHOPIQ' } }));
    });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    slack = mockSlackApi();
    slack.socketUrl = `ws://127.0.0.1:${port}/link?ticket=test`;
    app = await startWebService(h.db.url, {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: 'xapp-1-test',
      SLACK_SOCKET_MODE: 'true',
      SLACK_API_URL: `${SLACK_API}/api/`,
    });
  });
  afterAll(async () => {
    await app?.stop();
    slack?.done();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('connects with the app token, acks each event and answers in the thread', async () => {
    await vi.waitFor(() => expect(socket).toBeDefined(), { timeout: 10_000 });
    const open = slack.of('apps.connections.open')[0];
    expect(open?.token).toBe('xapp-1-test');
    const ts = nextTs();
    socket?.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: '',
        payload: JSON.parse(eventEnvelope(dmEvent('U6ARJUN', 'status', ts))),
      }),
    );
    await vi.waitFor(() => expect(acked).toContain('env-1'), { timeout: 10_000 });
    await vi.waitFor(
      () => expect(slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toHaveLength(1),
      { timeout: 10_000 },
    );
    const [answer] = slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts);
    expect(answer?.args.text).toMatch(/Your marketplaces/);
    expect(answer?.token).toBe('xoxb-test-token');
  });
});

/**
 * A model's answer in Slack as it is written: the Messages API (mocked by nock,
 * answering server-sent events as `messages.stream` receives them) streams its text,
 * the DM shows status lines while tools run, the words arrive through
 * chat.startStream/appendStream and the stream closes with the table and the feedback
 * buttons. When Slack refuses the stream, the answer is posted whole instead.
 */
import nock from 'nock';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { type SeededSeller, seedLastMonthRugOrders, seedSeller } from '../support/analytics-seed.ts';
import {
  dmEvent,
  eventEnvelope,
  mockSlackApi,
  nextTs,
  postToSlack,
  type SlackApiMock,
  type SlackCall,
  slackEnv,
  startWebService,
  TEAM,
} from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ANTHROPIC = 'https://anthropic.test';

/** One streamed Messages API response, as server-sent events. */
function sse(blocks: ({ text: string } | { tool: string; input: unknown })[], stop: 'end_turn' | 'tool_use'): string {
  const events: Record<string, unknown>[] = [
    {
      type: 'message_start',
      message: {
        id: `msg_${Math.random()}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 1 },
      },
    },
  ];
  blocks.forEach((block, index) => {
    if ('text' in block) {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      // a few words at a time, as the model writes
      for (const words of block.text.match(/\S+\s*/g) ?? []) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: words } });
      }
    } else {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: `tu_${index}_${Math.random()}`, name: block.tool, input: {} },
      });
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({
    type: 'message_delta',
    delta: { stop_reason: stop, stop_sequence: null },
    usage: { output_tokens: 40 },
  });
  events.push({ type: 'message_stop' });
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

describe('a model’s answer streamed into Slack', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let app: App;
  let slack: SlackApiMock;
  let seller: SeededSeller;
  const requests: any[] = [];
  const ANSWER = 'You sold **₹4,400.00** last month, most of it on Flipkart, and your Shopify store added $50.00.';

  function scriptModel() {
    nock(ANTHROPIC)
      .post('/v1/messages', (body) => {
        requests.push(body);
        return true;
      })
      .reply(
        200,
        sse(
          [
            { text: 'Let me look at last month.' },
            { tool: 'sales_summary', input: { period: { kind: 'named', name: 'last_month' }, by: 'marketplace' } },
          ],
          'tool_use',
        ),
        { 'content-type': 'text/event-stream' },
      )
      .post('/v1/messages', (body) => {
        requests.push(body);
        return true;
      })
      .reply(200, sse([{ text: ANSWER }], 'end_turn'), { 'content-type': 'text/event-stream' });
  }

  const streamed = (calls: SlackCall[]) =>
    calls
      .flatMap((c) => c.args.chunks ?? [])
      .filter((c: any) => c.type === 'markdown_text')
      .map((c: any) => c.text)
      .join('') + calls.map((c) => c.args.markdown_text ?? '').join('');

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    seller = await seedSeller(pool, { name: 'meera', currency: 'INR' });
    await seedLastMonthRugOrders(pool, seller, ['flipkart'], 1);
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U5MEERA` }, seller.userId);
    slack = mockSlackApi();
    app = await startWebService(db.url, {
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: ANTHROPIC,
      ...slackEnv(),
    });
  });
  afterAll(async () => {
    await app?.stop();
    slack?.done();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('shows status lines, streams the words into the thread and closes the stream with the table and feedback', async () => {
    scriptModel();
    const ts = nextTs();
    await postToSlack(
      app.url,
      eventEnvelope(dmEvent('U5MEERA', 'What were my total sales last month?', ts)),
      'application/json',
    );
    await vi.waitFor(() => expect(slack.of('chat.stopStream')).toHaveLength(1), { timeout: 15_000 });
    await app.gateway.idle();
    expect(requests.every((r) => r.stream === true)).toBe(true);
    const statuses = slack.of('assistant.threads.setStatus').map((c) => c.args.status);
    expect(statuses).toContain('Checking how fresh your Amazon, Flipkart and Shopify data is…');
    expect(statuses).toContain('Looking at your sales…');
    const [start] = slack.of('chat.startStream');
    expect(start?.args).toMatchObject({
      channel: 'DU5MEERA',
      thread_ts: ts,
      recipient_user_id: 'U5MEERA',
      recipient_team_id: TEAM,
    });
    const stream = [start, ...slack.of('chat.appendStream'), ...slack.of('chat.stopStream')] as SlackCall[];
    const text = streamed(stream);
    expect(text).toContain('Let me look at last month.');
    expect(text).toContain(ANSWER);
    expect(text).toMatch(/Data: .* as of /); // the freshness line closes the answer
    const stop = slack.of('chat.stopStream')[0];
    expect(stop?.args.blocks.map((b: any) => b.type)).toEqual(['markdown', 'table', 'context_actions']);
    expect(slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toHaveLength(0);
    // the stored answer is what the seller read
    const { rows } = await pool.query(
      `select content from chat_message where role = 'assistant' order by id desc limit 1`,
    );
    expect(text).toBe(rows[0].content);
  });

  it('posts the answer whole when Slack refuses the stream, and says nothing twice', async () => {
    scriptModel();
    slack.failing.set('chat.startStream', 'not_allowed_token_type');
    try {
      const ts = nextTs();
      await postToSlack(
        app.url,
        eventEnvelope(dmEvent('U5MEERA', 'What were my total sales last month?', ts)),
        'application/json',
      );
      await vi.waitFor(
        () => expect(slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toHaveLength(1),
        {
          timeout: 15_000,
        },
      );
      await app.gateway.idle();
      const [posted] = slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts);
      const markdown = posted?.args.blocks
        .filter((b: any) => b.type === 'markdown')
        .map((b: any) => b.text)
        .join('\n');
      expect(markdown).toContain(ANSWER);
      expect(posted?.args.blocks.some((b: any) => b.type === 'table')).toBe(true);
    } finally {
      slack.failing.delete('chat.startStream');
    }
  });
});

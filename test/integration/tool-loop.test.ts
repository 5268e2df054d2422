import nock from 'nock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import { AnthropicClient } from '../../src/conversation/llm/anthropic-client.ts';
import { runToolLoop } from '../../src/conversation/tool-loop.ts';
import type { BoundTool } from '../../src/conversation/tools/index.ts';
import { closePool } from '../../src/db/pool.ts';
import { seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { toolsFor } from '../support/tools.ts';

const API = 'https://anthropic.test';
const LAST_MONTH = { kind: 'named', name: 'last_month' };

/** A Messages API response: text and tool_use blocks. */
function message(blocks: ({ text: string } | { id: string; name: string; input: unknown })[], stop?: string) {
  const content = blocks.map((b) => ('text' in b ? { type: 'text', ...b } : { type: 'tool_use', ...b }));
  return {
    id: `msg_${Math.random().toString(36).slice(2)}`,
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5-5',
    content,
    stop_reason: stop ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { input_tokens: 1000, output_tokens: 50, cache_read_input_tokens: 900, cache_creation_input_tokens: 0 },
  };
}

describe('the tool-use loop against the Messages API', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let tools: BoundTool[];
  const llm = new AnthropicClient({ apiKey: 'sk-test', model: 'claude-sonnet-5-5', baseUrl: API, maxRetries: 0 });
  const requests: Record<string, unknown>[] = [];

  /** Answers the next requests in order with these responses, recording each request's body. */
  function script(...responses: ReturnType<typeof message>[]) {
    for (const response of responses) {
      nock(API)
        .post('/v1/messages', (body) => {
          requests.push(body);
          return true;
        })
        .reply(200, response);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const seller = await seedSeller(pool, { name: 'ravi', currency: 'USD' });
    for (const [i, marketplace] of (['shopify', 'shopify', 'flipkart'] as const).entries()) {
      await seedOrder(pool, seller, {
        marketplace,
        id: `o${i}`,
        orderedAt: '2026-10-10T10:00:00Z',
        currency: 'USD',
        total: '40.00',
        usd: '40.00',
      });
    }
    const now = new Date('2026-11-05T06:00:00Z');
    const scope: SellerScope = { userId: seller.userId, timezone: 'UTC', currency: 'USD' };
    tools = toolsFor(pool, scope, now);
  });
  afterEach(() => {
    requests.length = 0;
    nock.cleanAll();
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  const ask = (question: string, maxToolCalls?: number) =>
    runToolLoop({
      llm,
      system: 'You are ShopIQ.',
      messages: [{ role: 'user', content: question }],
      tools,
      maxTokens: 1024,
      maxToolCalls,
    });

  it('runs a multi-step conversation to its answer, with caching on system and tools', async () => {
    script(
      message([
        { text: 'Let me look.' },
        { id: 'tu_1', name: 'sales_summary', input: { period: LAST_MONTH, by: 'marketplace' } },
      ]),
      message([{ id: 'tu_2', name: 'compare_periods', input: { period: LAST_MONTH } }]),
      message([{ text: 'You sold $120.00 last month: $80.00 on Shopify and $40.00 on Flipkart.' }]),
    );
    const result = await ask('What were my total sales last month?');
    // what the model said before its tool calls stays in the answer: a streaming channel has shown it already
    expect(result.text).toBe('Let me look.\n\nYou sold $120.00 last month: $80.00 on Shopify and $40.00 on Flipkart.');
    expect(result.toolCalls).toEqual([
      { name: 'sales_summary', input: { period: LAST_MONTH, by: 'marketplace' }, ok: true },
      { name: 'compare_periods', input: { period: LAST_MONTH }, ok: true },
    ]);
    expect(result.usage).toEqual({ inputTokens: 3000, outputTokens: 150, cacheReadTokens: 2700, cacheWriteTokens: 0 });
    expect(requests).toHaveLength(3);
    const first = requests[0] as {
      system: unknown[];
      tools: { name: string; cache_control?: unknown }[];
      max_tokens: number;
    };
    expect(first.system).toEqual([{ type: 'text', text: 'You are ShopIQ.', cache_control: { type: 'ephemeral' } }]);
    expect(first.tools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(first.max_tokens).toBe(1024);
    // the second request carries the first tool's result: this seller's figures
    const second = requests[1] as { messages: { role: string; content: { type: string; content?: string }[] }[] };
    const toolResult = second.messages.at(-1)?.content[0];
    expect(toolResult).toMatchObject({ type: 'tool_result', tool_use_id: 'tu_1', is_error: false });
    expect(JSON.parse(toolResult?.content ?? '{}').total).toMatchObject({ orders: 3, revenue: '120.00' });
  });

  it('hands a tool error back to the model as is_error, and goes on', async () => {
    script(
      message([{ id: 'tu_1', name: 'sales_summary', input: { period: { kind: 'named', name: 'last_fortnight' } } }]),
      message([{ id: 'tu_2', name: 'no_such_tool', input: {} }]),
      message([{ text: 'Which period do you mean?' }]),
    );
    const result = await ask('sales last fortnight?');
    expect(result.text).toBe('Which period do you mean?');
    expect(result.toolCalls.map((c) => c.ok)).toEqual([false, false]);
    const results = requests
      .slice(1)
      .map((r) => (r as { messages: { content: unknown[] }[] }).messages.at(-1)?.content[0]);
    expect(results[0]).toMatchObject({
      tool_use_id: 'tu_1',
      is_error: true,
      content: expect.stringMatching(/invalid input/),
    });
    expect(results[1]).toMatchObject({
      tool_use_id: 'tu_2',
      is_error: true,
      content: 'there is no tool named no_such_tool',
    });
  });

  it('caps tool calls per answer, then forbids tools until it answers', async () => {
    const call = (n: number) => ({ id: `tu_${n}`, name: 'sync_status', input: {} });
    script(
      message([call(1), call(2)]),
      message([call(3)]),
      message([call(4), call(5)]), // the cap is 3: the fifth gets an error
      message([{ text: 'All three marketplaces are connected.' }]),
    );
    const result = await ask('status?', 3);
    expect(result.text).toBe('All three marketplaces are connected.');
    expect(result.toolCalls).toHaveLength(3);
    const last = requests.at(-1) as {
      tool_choice: unknown;
      messages: { content: { is_error?: boolean; content?: string }[] }[];
    };
    expect(last.tool_choice).toEqual({ type: 'none' });
    const finalResults = last.messages.at(-1)?.content ?? [];
    expect(finalResults.map((r) => r.is_error)).toEqual([true, true]);
    expect(finalResults[1]?.content).toMatch(/limit of 3 tool calls/);
    expect((requests[0] as { tool_choice: unknown }).tool_choice).toEqual({ type: 'auto' });
  });

  it('says when an answer was cut at the output cap', async () => {
    script(message([{ text: 'Your sales were' }], 'max_tokens'));
    const result = await ask('sales?');
    expect(result).toMatchObject({ text: 'Your sales were', truncated: true });
  });
});

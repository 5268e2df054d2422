/**
 * The daily token budget per seller, with a scripted model in place of Claude: every
 * model request is counted (also when a later one fails), concurrent questions cannot
 * both spend the last of it, and (matrix row L3) a model that never stops asking for
 * tools, over five years of data, stays within the tool-call, row and token caps and
 * passes the budget by one request at most.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../src/conversation/conversation-engine.ts';
import type { LlmClient, LlmRequest, LlmResponse, LlmUsage } from '../../src/conversation/llm/llm-client.ts';
import { dailyTokenBudget } from '../../src/conversation/token-budget.ts';
import { MAX_TOOL_CALLS } from '../../src/conversation/tool-loop.ts';
import { MAX_TOOL_ROWS } from '../../src/conversation/tools/tool.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { type SeededSeller, seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';
import { testConfig } from '../support/test-config.ts';

const FIVE_YEARS = { kind: 'range', from: '2021-11-01', to: '2026-10-31' };
const usage = (inputTokens: number, outputTokens: number): LlmUsage => ({
  inputTokens,
  outputTokens,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});
const askForSales = (u: LlmUsage): LlmResponse => ({
  content: [
    {
      type: 'tool_use',
      id: `tu_${Math.random().toString(36).slice(2)}`,
      name: 'sales_summary',
      input: { period: FIVE_YEARS, by: 'month' },
    },
  ],
  stopReason: 'tool_use',
  usage: u,
});
const answer = (text: string, u: LlmUsage): LlmResponse => ({
  content: [{ type: 'text', text }],
  stopReason: 'end_turn',
  usage: u,
});

/** A model whose every request is answered by `next` (called with the request's index, from 0). */
function scriptedModel(next: (index: number, request: LlmRequest) => Promise<LlmResponse> | LlmResponse) {
  const requests: LlmRequest[] = [];
  const llm: LlmClient = {
    model: 'scripted',
    async complete(request) {
      requests.push({ ...request, messages: [...request.messages] });
      return next(requests.length - 1, request);
    },
  };
  return { llm, requests };
}

describe('the daily token budget', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  const log = createLogger({ logLevel: 'silent' });
  // each test its own seller: budgets are per seller and day
  const fresh = async (): Promise<SeededSeller> => {
    const seller = await seedSeller(h.pool, { name: 'meera' });
    await h.pool.query('update marketplace_connection set last_sync_at = now() where user_id = $1', [seller.userId]);
    return seller;
  };
  const engineFor = (llm: LlmClient, env: Record<string, string>) =>
    new ConversationEngine({
      db: h.pool,
      config: testConfig({ FRESHNESS_WAIT_MS: '0', ...env }),
      log,
      llm,
      syncs: undefined,
    });
  const ask = (engine: ConversationEngine, seller: SeededSeller, text: string, conversationId = 'c1') =>
    engine.handle({ userId: seller.userId, channel: 'terminal', conversationId, text });
  const budgetRow = async (seller: SeededSeller) =>
    (
      await h.pool.query<{ used: number; reserved: number }>(
        'select used::int, reserved::int from token_budget where user_id = $1',
        [seller.userId],
      )
    ).rows;

  beforeAll(async () => {
    h = await harness();
  });

  it('counts the tokens of a request whose answer failed later', async () => {
    const seller = await fresh();
    const { llm, requests } = scriptedModel((i) => {
      if (i === 0) return askForSales(usage(50_000, 10_000)); // question 1: 60k spent, then…
      if (i === 1) throw new Error('overloaded'); // …the model fails: limited mode
      if (i === 2) return answer('You sold nothing yet.', usage(50_000, 10_000)); // question 2: 60k more
      return answer('more', usage(1, 1));
    });
    const engine = engineFor(llm, { LLM_DAILY_TOKENS_PER_SELLER: '100000' });
    const first = await ask(engine, seller, 'What were my total sales last month?');
    expect(first.text).toMatch(/could not be reached just now/);
    const second = await ask(engine, seller, 'And how did I do?');
    expect(second.text).toMatch(/^You sold nothing yet\./);
    // 60k + 60k of 100k: the failed answer's tokens count, so the budget is spent
    const third = await ask(engine, seller, 'What were my total sales last month?');
    expect(third.text).toMatch(/question budget is used up/);
    expect(requests).toHaveLength(3);
    expect(await budgetRow(seller)).toEqual([{ used: 120_000, reserved: 0 }]);
  });

  it('gives two questions at once with budget for one a model answer and a limited-mode answer', async () => {
    const seller = await fresh();
    // the model answers once both questions had their chance to reach it (or half a second passed)
    let release: () => void = () => {};
    const bothAsked = new Promise<void>((resolve) => {
      release = resolve;
      setTimeout(resolve, 500);
    });
    const { llm, requests } = scriptedModel(async (i) => {
      if (i === 1) release();
      await bothAsked;
      return answer('You sold ₹8,800.00 last month.', usage(700, 200));
    });
    // one request reserves its prompt and output cap (well over 1,000 tokens): the whole budget
    const engine = engineFor(llm, { LLM_DAILY_TOKENS_PER_SELLER: '1000', LLM_MAX_OUTPUT_TOKENS: '1024' });
    const replies = await Promise.all([
      ask(engine, seller, 'What were my total sales last month?', 'a'),
      ask(engine, seller, 'What were my total sales last month?', 'b'),
    ]);
    expect(requests).toHaveLength(1);
    expect(replies.filter((r) => r.limitedMode)).toHaveLength(1);
    expect(replies.find((r) => !r.limitedMode)?.text).toMatch(/^You sold ₹8,800\.00 last month\./);
    expect(replies.find((r) => r.limitedMode)?.text).toMatch(/question budget is used up/);
    expect(await budgetRow(seller)).toEqual([{ used: 900, reserved: 0 }]);
  });

  it('grants concurrent reservations no more than the budget in all', async () => {
    const seller = await fresh();
    const budget = dailyTokenBudget(h.pool, { userId: seller.userId, timezone: 'UTC' }, 1000, new Date());
    const granted = await Promise.all(Array.from({ length: 12 }, () => budget.reserve(300)));
    expect(granted.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(granted.filter((n) => n > 0)).toHaveLength(4); // 300, 300, 300 and the last 100
    await Promise.all(granted.map((n) => budget.settle(n, usage(n, 0))));
    expect(await budgetRow(seller)).toEqual([{ used: 1000, reserved: 0 }]);
  });

  describe('L3: a model that keeps asking for tools over five years of data', () => {
    /** A seller with an order in each of 60 months: more rows than a tool result may carry. */
    const withFiveYears = async () => {
      const seller = await fresh();
      for (let m = 0; m < 60; m++) {
        const month = new Date(Date.UTC(2021, 10 + m, 15)).toISOString();
        await seedOrder(h.pool, seller, {
          marketplace: 'shopify',
          id: `m${m}`,
          orderedAt: month,
          currency: 'USD',
          total: '10.00',
          usd: '10.00',
        });
      }
      return seller;
    };
    const looping = (u: LlmUsage) => scriptedModel(() => askForSales(u));
    const monthRows = (request: LlmRequest) =>
      request.messages.flatMap((m) =>
        typeof m.content === 'string'
          ? []
          : m.content.flatMap((b) => (b.type === 'tool_result' && !b.isError ? [JSON.parse(b.content)] : [])),
      );

    it('holds the tool-call, row and output caps', async () => {
      const seller = await withFiveYears();
      const { llm, requests } = looping(usage(1000, 100));
      const engine = engineFor(llm, { LLM_DAILY_TOKENS_PER_SELLER: '100000000', LLM_MAX_OUTPUT_TOKENS: '300' });
      const reply = await ask(engine, seller, 'Show me my sales by month for the last five years', 'l3-caps');
      // the cap's tool calls, then requests that may not use tools (which it ignores), then the loop ends
      expect(requests.length).toBe(MAX_TOOL_CALLS + 2);
      expect(requests.map((r) => r.maxTokens)).toEqual(requests.map(() => 300));
      expect(requests.at(-1)?.toolChoice).toBe('none');
      const results = monthRows(requests.at(-1) as LlmRequest);
      expect(results).toHaveLength(MAX_TOOL_CALLS);
      for (const result of results) {
        expect(result.rows).toHaveLength(MAX_TOOL_ROWS);
        expect(result.rows_left_out).toBe(60 - MAX_TOOL_ROWS);
      }
      expect(reply.tables.length).toBeLessThanOrEqual(MAX_TOOL_CALLS);
      expect(reply.limitedMode).toBeUndefined();
    });

    it('passes the daily budget by one request at most, and releases every reservation', async () => {
      const seller = await withFiveYears();
      const perRequest = usage(2500, 300);
      const { llm, requests } = looping(perRequest);
      const budget = 10_000;
      const engine = engineFor(llm, { LLM_DAILY_TOKENS_PER_SELLER: String(budget), LLM_MAX_OUTPUT_TOKENS: '300' });
      const reply = await ask(engine, seller, 'sales by month, five years', 'l3-budget');
      expect(reply.text).toMatch(/used up today’s question budget/);
      // 4 requests of 2,800 tokens: the fourth started with 1,600 left
      expect(requests).toHaveLength(4);
      const [row] = await budgetRow(seller);
      expect(row?.reserved).toBe(0);
      expect(row?.used).toBe(4 * 2800);
      expect(row?.used).toBeLessThanOrEqual(budget + 2800);
      // and no request goes out once it is passed
      const again = await ask(engine, seller, 'sales by month, five years', 'l3-budget');
      expect(again.text).toMatch(/question budget is used up/);
      expect(requests).toHaveLength(4);
    });
  });
});

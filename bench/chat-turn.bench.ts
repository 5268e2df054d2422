/**
 * chat-turn: one question through the whole conversation engine, as a channel sends
 * it: seller lookup, history, freshness check, system prompt, a scripted zero-latency
 * model that calls one tool (sales_summary by marketplace) and then answers, the tool
 * run against PostgreSQL, the turn recorded. The seller has `--orders` orders (default
 * 20,000) over the last 18 months, data fresh (no sync is asked for). Reports p50/p95
 * of `--turns` turns (default 200) after 20 warm-up turns; the anchor is the tool's own
 * query alone, so the ratio shows what the engine adds.
 */
import { resolvePeriod } from '../src/analytics/period.ts';
import { salesReport } from '../src/analytics/sales.ts';
import { ConversationEngine } from '../src/conversation/conversation-engine.ts';
import type { LlmClient, LlmRequest, LlmResponse } from '../src/conversation/llm/llm-client.ts';
import type { Bench } from './run.ts';
import { openBenchDatabase } from './support/sync-setup.ts';

const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** Asks for sales by marketplace, then answers: no time spent "thinking". */
const scriptedModel: LlmClient = {
  model: 'scripted',
  async complete(request: LlmRequest): Promise<LlmResponse> {
    const last = request.messages.at(-1);
    const answered = Array.isArray(last?.content) && last.content.some((b) => b.type === 'tool_result');
    return answered
      ? { content: [{ type: 'text', text: 'Here are your sales.' }], stopReason: 'end_turn', usage }
      : {
          content: [
            {
              type: 'tool_use',
              id: `tu_${Math.random()}`,
              name: 'sales_summary',
              input: { period: { kind: 'named', name: 'last_month' }, by: 'marketplace' },
            },
          ],
          stopReason: 'tool_use',
          usage,
        };
  },
};

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 20_000);
  const turns = Number(options.turns ?? 200);
  const db = await openBenchDatabase({ LLM_DAILY_TOKENS_PER_SELLER: '1000000000' });
  try {
    const { rows } = await db.pool.query<{ id: string }>(
      `insert into "user" (id, display_name, timezone, reporting_currency, created_at, updated_at)
       values (gen_random_uuid(), 'bench', 'Asia/Kolkata', 'INR', now(), now()) returning id`,
    );
    const userId = rows[0]?.id as string;
    await db.pool.query(
      `insert into marketplace_connection (id, user_id, marketplace, external_account_id, status, last_sync_at, created_at, updated_at)
       select gen_random_uuid(), $1, m, 'bench-' || m, 'CONNECTED', now(), now(), now()
         from unnest(array['shopify', 'flipkart', 'amazon']) m`,
      [userId],
    );
    await db.pool.query(
      `insert into fx_rate (rate_date, base, quote, rate, source)
       select d::date, 'USD', 'INR', 88, 'bench' from generate_series(now() - interval '19 months', now(), interval '1 day') d`,
    );
    process.stderr.write(`seeding ${orders} orders\n`);
    await db.pool.query(
      `with c as (select id, marketplace, row_number() over (order by marketplace) - 1 as n
                    from marketplace_connection where user_id = $1),
            o as (insert into unified_order (user_id, connection_id, marketplace, external_order_id, status, source_status,
                    currency, total_amount, total_amount_usd, item_count, ordered_at, source_updated_at, synced_at,
                    created_at, updated_at)
                  select $1, c.id, c.marketplace, 'o' || i,
                         (array['DELIVERED','DELIVERED','SHIPPED','CANCELLED','RETURNED'])[1 + i % 5], 'x',
                         case when c.marketplace = 'shopify' then 'USD' else 'INR' end,
                         (100 + i % 900)::numeric, ((100 + i % 900) / case when c.marketplace = 'shopify' then 1 else 88 end)::numeric(20,4),
                         1, now() - (i % 540) * interval '1 day' - (i % 1440) * interval '1 minute', now(), now(), now(), now()
                    from generate_series(1, $2) i join c on c.n = i % 3
                  returning id, user_id, connection_id, marketplace, total_amount, currency)
       insert into unified_order_item (order_id, user_id, connection_id, marketplace, external_item_id, title, sku,
              normalized_sku, quantity, unit_price, total_price, currency, created_at, updated_at)
       select id, user_id, connection_id, marketplace, 'i' || id, 'Product ' || (id % 50), 'SKU-' || (id % 50),
              'SKU-' || (id % 50), 1, total_amount, total_amount, currency, now(), now() from o`,
      [userId, orders],
    );
    await db.pool.query('analyze');
    const engine = new ConversationEngine({
      db: db.pool,
      config: db.config,
      log: db.log,
      llm: scriptedModel,
      syncs: undefined,
    });
    const scope = { userId, timezone: 'Asia/Kolkata', currency: 'INR' };
    const period = resolvePeriod({ kind: 'named', name: 'last_month' }, new Date(), scope.timezone);
    const turn = (i: number) =>
      engine.handle({
        userId,
        channel: 'terminal',
        conversationId: `bench-${i % 10}`,
        text: 'What were my sales last month?',
      });
    for (let i = 0; i < 20; i++) await turn(i);
    const took: number[] = [];
    for (let i = 0; i < turns; i++) {
      const t = performance.now();
      const reply = await turn(i);
      took.push(performance.now() - t);
      if (!reply.text.startsWith('Here are your sales.')) throw new Error(`unexpected reply: ${reply.text}`);
    }
    const query: number[] = [];
    for (let i = 0; i < turns; i++) {
      const t = performance.now();
      await salesReport(db.pool, scope, period, { by: 'marketplace' });
      query.push(performance.now() - t);
    }
    const p = (values: number[], q: number) =>
      Number(([...values].sort((a, b) => a - b)[Math.ceil((q / 100) * values.length) - 1] ?? Number.NaN).toFixed(1));
    return {
      params: { orders, turns, channel: 'engine (no channel rendering)' },
      metrics: { p50_ms: p(took, 50), p95_ms: p(took, 95), max_ms: p(took, 100) },
      baseline: { tool_query_p50_ms: p(query, 50), tool_query_p95_ms: p(query, 95) },
      ratio: { p50_vs_tool_query: Number((p(took, 50) / p(query, 50)).toFixed(2)) },
    };
  } finally {
    await db.stop();
  }
};

export default bench;

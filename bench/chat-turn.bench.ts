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
import { readSellerData } from '../src/analytics/seller-reads.ts';
import { ConversationEngine } from '../src/conversation/conversation-engine.ts';
import type { Bench } from './run.ts';
import { seedBenchSeller, seedUsdInrRates } from './support/analytics-data.ts';
import { scriptedModel } from './support/scripted-model.ts';
import { percentile, round } from './support/stats.ts';
import { openBenchDatabase } from './support/sync-setup.ts';

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 20_000);
  const turns = Number(options.turns ?? 200);
  const db = await openBenchDatabase({ LLM_DAILY_TOKENS_PER_SELLER: '1000000000' });
  try {
    await seedUsdInrRates(db.pool);
    process.stderr.write(`seeding ${orders} orders\n`);
    const userId = await seedBenchSeller(db.pool, 'bench', orders);
    await db.pool.query('analyze');
    const engine = new ConversationEngine({
      db: db.pool,
      config: db.config,
      log: db.log,
      llm: scriptedModel(),
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
      await readSellerData(db.pool, scope, (db) => salesReport(db, scope, period, { by: 'marketplace' }));
      query.push(performance.now() - t);
    }
    const p = (values: number[], q: number) => round(percentile(values, q), 1);
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

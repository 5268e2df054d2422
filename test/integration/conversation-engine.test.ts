import nock from 'nock';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { type ConversationDeps, ConversationEngine } from '../../src/conversation/conversation-engine.ts';
import { AnthropicClient } from '../../src/conversation/llm/anthropic-client.ts';
import type { Reply } from '../../src/conversation/reply.ts';
import { closePool } from '../../src/db/pool.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { localTime } from '../../src/time/local-time.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller, seedUsdRate } from '../support/analytics-seed.ts';
import { JOB_STORES, jobConfig, openScheduler } from '../support/job-harness.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { testConfig } from '../support/test-config.ts';

const [postgresStore] = JOB_STORES;

describe('the conversation engine', () => {
  const harness = useSyncHarness();
  let h: Awaited<ReturnType<typeof harness>>;
  let pool: pg.Pool;
  let seller: SeededSeller;
  const rescheduled: string[] = [];
  const now = new Date('2026-11-05T06:00:00Z');
  const log = createLogger({ logLevel: 'silent' });
  const config = testConfig({ FRESHNESS_WAIT_MS: '0', LLM_DAILY_TOKENS_PER_SELLER: '5000' });
  const deps = (extra: Partial<ConversationDeps> = {}): ConversationDeps => ({
    db: pool,
    config,
    log,
    llm: undefined,
    syncs: undefined,
    reschedule: async (userId) => rescheduled.push(userId),
    clock: () => now,
    ...extra,
  });
  const turn = (text: string, conversationId = 'c1') => ({
    userId: seller.userId,
    channel: 'terminal' as const,
    conversationId,
    text,
  });

  beforeAll(async () => {
    h = await harness();
    pool = h.pool;
    seller = await seedSeller(pool, { name: 'kavya', timezone: 'Asia/Kolkata', currency: 'INR' });
    await seedUsdRate(pool, '2026-10-09', 'INR', '88.0');
    const o = (marketplace: 'shopify' | 'flipkart' | 'amazon', id: string, extra: object) =>
      seedOrder(pool, seller, {
        marketplace,
        id,
        orderedAt: '2026-10-10T06:00:00Z',
        currency: 'INR',
        total: '0',
        usd: '0',
        ...extra,
      });
    await o('shopify', 's1', {
      currency: 'USD',
      total: '50.00',
      usd: '50.00',
      items: [{ sku: 'LAMP', quantity: 2, price: '25.00', title: 'Brass lamp' }],
    });
    await o('flipkart', 'f1', {
      total: '2640.00',
      usd: '30.00',
      items: [{ sku: 'RUG', quantity: 1, price: '2640.00', title: 'Jute rug' }],
    });
    await o('flipkart', 'f2', {
      total: '1760.00',
      usd: '20.00',
      hasReturn: true,
      items: [{ sku: 'LAMP', quantity: 1, price: '1760.00', title: 'Brass lamp', returned: 1 }],
    });
    await seedProduct(pool, seller, {
      marketplace: 'shopify',
      sku: 'LAMP',
      title: 'Brass lamp',
      stock: 12,
      price: '25.00',
      currency: 'USD',
    });
    await seedProduct(pool, seller, {
      marketplace: 'flipkart',
      sku: 'LAMP',
      title: 'Brass lamp',
      stock: 4,
      price: '1760.00',
      currency: 'INR',
    });
    await seedProduct(pool, seller, {
      marketplace: 'flipkart',
      sku: 'RUG',
      title: 'Jute rug',
      stock: 0,
      price: '2640.00',
      currency: 'INR',
    });
    await pool.query('update marketplace_connection set last_sync_at = $2 where user_id = $1', [
      seller.userId,
      new Date('2026-11-05T03:00:00Z'),
    ]);
  });

  it('answers the seed’s questions in limited mode, from the tools, and keeps the turns', async () => {
    const engine = new ConversationEngine(deps());
    const sales = await engine.handle(turn('What were my total sales last month?'));
    // 50 USD × 88 + 2640 + 1760 INR
    expect(sales.text).toContain('Sales last month (1–31 Oct 2026): ₹8,800.00 from 3 orders');
    // Shopify sold in dollars: the dollars first, then the rupees they make
    expect(sales.text).toContain(
      'By marketplace: Flipkart: ₹4,400.00, 2 orders · Shopify: $50.00 (₹4,400.00), 1 order.',
    );
    expect(sales.text).toMatch(/Limited mode/);
    expect(sales).toMatchObject({
      limitedMode: true,
      tables: [expect.objectContaining({ columns: expect.any(Array) })],
    });

    const best = await engine.handle(turn('Which product sells best on Flipkart vs Shopify?'));
    expect(best.text).toContain('on Flipkart: Jute rug (1 unit, ₹2,640.00)');
    expect(best.text).toContain('on Shopify: Brass lamp (2 units, ₹4,400.00)');

    const returns = await engine.handle(turn('Show me my return rate by marketplace'));
    expect(returns.text).toContain('Flipkart 50.0% (1 of 2 orders)');

    const listing = await engine.handle(turn('Should I list the brass lamp on Amazon?'));
    expect(listing.text).toContain('Brass lamp (LAMP)');
    expect(listing.text).toContain('Amazon: not listed');

    const lost = await engine.handle(turn('write me a poem'));
    expect(lost.text).toMatch(/did not understand/);

    const { rows } = await pool.query(
      `select role, count(*)::int as n from chat_message where user_id = $1 and conversation_id = 'c1' group by role order by role`,
      [seller.userId],
    );
    expect(rows).toEqual([
      { role: 'assistant', n: 5 },
      { role: 'user', n: 5 },
    ]);
  });

  it('understands other wordings in limited mode, and words the answers as a seller reads them', async () => {
    const engine = new ConversationEngine(deps());
    const ask = async (text: string) => (await engine.handle(turn(text, 'c5'))).text;
    expect(await ask('hey, how much did I sell on Flipkart in October? thanks')).toContain(
      'Sales October 2026 (1–31 Oct 2026): ₹4,400.00 from 2 orders.',
    );
    expect(await ask('revenue by month this year')).toContain('By month: Oct 2026: ₹8,800.00, 3 orders.');
    expect(await ask('Compare last month with the month before')).toContain(
      'Last month (1–31 Oct 2026): ₹8,800.00 from 3 orders, vs September 2026 (1–30 Sep 2026): ₹0.00 from 0 orders. Up ₹8,800.00.',
    );
    expect(await ask('This month vs last month')).toContain(
      'This month so far (1–5 Nov 2026): ₹0.00 from 0 orders, vs the same days of October (1–5 Oct 2026): ₹0.00 from 0 orders. No change in sales.',
    );
    const stockReply = await engine.handle(turn('How long will my stock last?', 'c5'));
    const stock = stockReply.text;
    expect(stock).toContain('- Jute rug on Flipkart: out of stock\n');
    expect(stockReply.tables[0]?.rows[0]).toEqual(['Jute rug', 'Flipkart', '0', 0.03, 'out of stock']);
    // 1 sold on Flipkart in the last 30 days, 4 left
    expect(stock).toContain('- Brass lamp on Flipkart: 4 in stock, about 120 days left');
    expect(stock).not.toMatch(/about 0 days/);
  });

  it('runs the commands, refusing bad arguments without changing anything', async () => {
    const engine = new ConversationEngine(deps());
    expect((await engine.handle(turn('help'))).text).toMatch(/timezone <zone/);
    expect((await engine.handle(turn('status'))).text).toMatch(
      /shopify \(kavya-shopify\): connected, data as of 2026-11-05 08:30/,
    );
    expect((await engine.handle(turn('timezone Mars/Olympus'))).text).toMatch(/not a timezone I know/);
    expect((await engine.handle(turn('currency XYZ'))).text).toMatch(/not a currency code I know/);
    let user = (await pool.query('select timezone, reporting_currency from "user" where id = $1', [seller.userId]))
      .rows[0];
    expect(user).toEqual({ timezone: 'Asia/Kolkata', reporting_currency: 'INR' });
    expect(rescheduled).toEqual([]);

    expect((await engine.handle(turn('/shopiq timezone america/new_york'))).text).toMatch(/now America\/New_York/);
    expect((await engine.handle(turn('currency usd'))).text).toMatch(/now in USD/);
    user = (await pool.query('select timezone, reporting_currency from "user" where id = $1', [seller.userId])).rows[0];
    expect(user).toEqual({ timezone: 'America/New_York', reporting_currency: 'USD' });
    expect(rescheduled).toEqual([seller.userId]);
    // the sales rollup counts days in the new zone already, before the next question
    const rollup = await pool.query('select timezone from sales_rollup_state where user_id = $1', [seller.userId]);
    expect(rollup.rows).toEqual([{ timezone: 'America/New_York' }]);
    const usd = await engine.handle(turn('total sales last month?'));
    expect(usd.text).toContain('$100.00 from 3 orders');
    await engine.handle(turn('timezone Asia/Kolkata'));
    await engine.handle(turn('currency INR'));

    expect((await engine.handle(turn('disconnect ebay'))).text).toMatch(/Which one\?/);
    expect((await engine.handle(turn('disconnect amazon'))).text).toMatch(/Disconnected Amazon/);
    expect((await engine.handle(turn('disconnect amazon'))).text).toMatch(/Amazon is already disconnected/);
    expect((await engine.handle(turn('status'))).text).not.toMatch(/amazon/);
  });

  it('falls back to limited mode once the seller’s daily token budget is spent', async () => {
    const API = 'https://anthropic.test';
    const llm = new AnthropicClient({ apiKey: 'sk-test', model: 'claude-sonnet-5-5', baseUrl: API, maxRetries: 0 });
    const engine = new ConversationEngine(deps({ llm }));
    nock(API)
      .post('/v1/messages')
      .reply(200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5',
        content: [{ type: 'text', text: 'You sold INR 8,800.00 last month.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 4500, output_tokens: 600 },
      });
    const first = await engine.handle(turn('How did I do last month?', 'c2'));
    // every answer from data says how fresh each marketplace's data is
    expect(first.text).toMatch(
      /^You sold INR 8,800\.00 last month\.\n\nData: Flipkart and Shopify as of [^;]+ \(Asia\/Kolkata\)\.$/,
    );
    expect(first.limitedMode).toBeUndefined();
    // 5,100 tokens used of 5,000: no more model requests today
    const second = await engine.handle(turn('What were my total sales last month?', 'c2'));
    expect(second.text).toMatch(/question budget is used up/);
    expect(second.text).toContain('₹8,800.00');
    expect(nock.isDone()).toBe(true);
  });

  it('answers the common questions in limited mode when the model cannot be reached', async () => {
    const API = 'https://anthropic-down.test';
    const llm = new AnthropicClient({ apiKey: 'sk-test', model: 'claude-sonnet-5-5', baseUrl: API, maxRetries: 0 });
    // a budget that the test before has not spent
    const roomy = testConfig({ FRESHNESS_WAIT_MS: '0', LLM_DAILY_TOKENS_PER_SELLER: '100000000' });
    const engine = new ConversationEngine(deps({ llm, config: roomy }));
    nock(API)
      .post('/v1/messages')
      .reply(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const reply = await engine.handle(turn('What were my total sales last month?', 'c4'));
    expect(reply.text).toContain('₹8,800.00 from 3 orders');
    expect(reply.text).toMatch(/could not be reached just now/);
    expect(reply.text).not.toMatch(/Overloaded/);
    expect(nock.isDone()).toBe(true);
  });

  it('says a sync that stopped answering holds the seller, and until when, when asked to sync', async () => {
    // a worker elsewhere died mid-sync: its lease, not renewed since, lapses in 10 s
    const { rows } = await pool.query<{ expires_at: Date }>(
      `insert into sync_lease (user_id, holder, version, expires_at, acquired_at)
       values ($1, 'worker-9.elsewhere:77:0b0e6a52-6c1d-4e0f-9a51-1f2a3b4c5d6e', 1, now() + interval '10 seconds', now())
       on conflict (user_id) do update set holder = excluded.holder, expires_at = excluded.expires_at
       returning expires_at`,
      [seller.userId],
    );
    const syncs = {
      requestSync: async (userId: string) => ({
        jobId: 'job-1',
        userId,
        joined: true,
        seen: { finishedAt: undefined, failedAt: undefined },
      }),
      waitForSync: async () => 'timeout' as const,
    };
    try {
      const engine = new ConversationEngine(deps({ syncs }));
      const reply = await engine.handle(turn('sync', 'c9'));
      const at = localTime(rows[0]?.expires_at as Date, 'Asia/Kolkata');
      expect(reply.text).toContain(`The last sync stopped answering; its lease lapses at ${at}, then a new sync runs`);
      await engine.idle();
    } finally {
      await pool.query('delete from sync_lease where user_id = $1', [seller.userId]);
    }
  });

  it('refreshes stale data before answering, and follows up when the refresh outlasts the answer', async () => {
    const jobs = jobConfig(h.db, postgresStore as (typeof JOB_STORES)[number], { JOB_LOCK_LIFETIME_MS: '2000' });
    const client = await openScheduler(jobs, pool);
    const workerPool = new pg.Pool({ connectionString: h.db.url, max: 8 });
    let worker: Scheduler | undefined;
    try {
      await client.listen();
      await pool.query(
        `update marketplace_connection set last_sync_at = now() - interval '2 days' where user_id = $1`,
        [seller.userId],
      );
      const followUps: Reply[] = [];
      const engine = new ConversationEngine(deps({ syncs: client, clock: () => new Date() }));
      const reply = await engine.handle(turn('total sales last month', 'c3'), {
        notify: (r) => {
          followUps.push(r);
        },
      });
      expect(reply.text).toMatch(/Your data is being refreshed; these figures are from: .*Shopify as of/);
      expect(reply.text).toMatch(/I will tell you when the refresh is done/);
      // a worker picks the on-demand sync up; these sandbox-less connections cannot sync, and say so
      worker = await openScheduler(jobs, workerPool);
      await worker.work(
        { ...h.deps, pool: workerPool, config: jobs },
        createChatNotifier({ ...h.deps, db: workerPool }),
      );
      await engine.idle();
      expect(followUps).toHaveLength(1);
      expect(followUps[0]?.text).toMatch(/The refresh has ended, but not everything could be brought up to date/);
      expect(followUps[0]?.text).toMatch(/needs reconnecting/);
    } finally {
      await worker?.stop(0);
      await client.stop(0);
      await closePool(workerPool);
    }
  });
});

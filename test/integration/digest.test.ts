/**
 * The daily digest as a seller receives it: yesterday on each marketplace against the
 * same weekday of the four weeks before, the top products, returns and cancellations,
 * stock running out, freshness and a chart, sent once a local day to the chat picked or
 * last used (Slack and WhatsApp through their APIs, mocked at the network); on Mondays
 * last week instead; on WhatsApp outside the 24-hour window, as the template. Prepared
 * ahead into the outbox by the seller's job, sent at its time by the workers' senders.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatNotifier } from '../../src/channels/chat-notifier.ts';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { prepareDigest, sendDigest } from '../../src/insights/digest-outbox.ts';
import { DigestSender } from '../../src/jobs/digest-sender.ts';
import { JOB } from '../../src/jobs/job-names.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { instantOf, localDate, localTime } from '../../src/time/local-time.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller } from '../support/analytics-seed.ts';
import { JOB_STORES, jobConfig, openScheduler } from '../support/job-harness.ts';
import { mockSlackApi, type SlackApiMock, slackEnv, TEAM } from '../support/slack.ts';
import type { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FOLLOW_UP_TEMPLATE, mockTwilioApi, type TwilioApiMock, twilioEnv } from '../support/twilio.ts';

const NUMBER = '+919855555555';
/** Wednesday 25 Nov 2026, 09:00 in Kolkata: the digest covers Tuesday the 24th. */
const WEDNESDAY_9AM = new Date('2026-11-25T03:30:00Z');
/** Monday 30 Nov 2026, 09:00 in Kolkata: the weekly digest covers 23–29 Nov. */
const MONDAY_9AM = new Date('2026-11-30T03:30:00Z');

describe('the daily digest', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let slack: SlackApiMock;
  let twilio: TwilioApiMock;
  let notifier: ChatNotifier;
  let config: ReturnType<typeof testConfig>;
  const log = createLogger({ logLevel: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
  const deps = () => ({ pool, notifier, log, staleAfterMs: 365 * 24 * 3_600_000 });

  /** Orders of a rug (5 a line, $100 an order) at 11:30 IST of the given days. */
  async function sell(seller: SeededSeller, marketplace: 'shopify' | 'flipkart', days: string[], extra = {}) {
    for (const [i, day] of days.entries()) {
      await seedOrder(pool, seller, {
        marketplace,
        id: `${marketplace}-${day}-${i}-${Math.random()}`,
        orderedAt: `${day}T06:00:00Z`,
        currency: 'USD',
        total: marketplace === 'shopify' ? '100' : '50',
        usd: marketplace === 'shopify' ? '100' : '50',
        items: [{ sku: 'RUG-1', quantity: 5, price: marketplace === 'shopify' ? '20' : '10', title: 'Jute rug' }],
        ...extra,
      });
    }
  }

  async function kolkataSeller(name: string): Promise<SeededSeller> {
    const seller = await seedSeller(pool, { timezone: 'Asia/Kolkata', name });
    // Tuesday the 24th: 3 Shopify orders, one of them returned, one cancelled; Flipkart none
    await sell(seller, 'shopify', ['2026-11-24', '2026-11-24']);
    await sell(seller, 'shopify', ['2026-11-24'], { hasReturn: true, status: 'RETURNED' });
    await sell(seller, 'shopify', ['2026-11-24'], { status: 'CANCELLED' });
    // the four Tuesdays before: one Shopify and one Flipkart order each
    const tuesdays = ['2026-11-17', '2026-11-10', '2026-11-03', '2026-10-27'];
    await sell(seller, 'shopify', tuesdays);
    await sell(seller, 'flipkart', tuesdays);
    // a selling rug with 4 left
    await seedProduct(pool, seller, {
      marketplace: 'shopify',
      sku: 'RUG-1',
      title: 'Jute rug',
      stock: 4,
      price: '20',
      currency: 'USD',
    });
    await pool.query(`update marketplace_connection set last_sync_at = $2 where user_id = $1`, [
      seller.userId,
      WEDNESDAY_9AM,
    ]);
    return seller;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    slack = mockSlackApi();
    twilio = mockTwilioApi();
    config = jobConfig(db, JOB_STORES[0] as (typeof JOB_STORES)[0], {
      ...slackEnv(),
      ...twilioEnv({ TWILIO_TEMPLATE_FOLLOW_UP: FOLLOW_UP_TEMPLATE }),
    });
    notifier = createChatNotifier({ config, db: pool, vault: new TokenVault(resolveKeyring(config, log)), log });
  });
  beforeEach(() => {
    slack.calls.length = 0;
    twilio.sent.length = 0;
  });
  afterAll(async () => {
    slack?.done();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('tells yesterday against the usual same weekday, per marketplace, in the Slack DM last used, once a day', async () => {
    const seller = await kolkataSeller('asha');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1ASHA` }, seller.userId);

    expect(await sendDigest(deps(), seller.userId, WEDNESDAY_9AM)).toBe('sent');
    const [post] = slack.of('chat.postMessage');
    expect(slack.of('conversations.open')[0]?.args.users).toBe('U1ASHA');
    const text: string = post?.args.text;
    expect(text).toContain('Your ShopIQ digest for yesterday (24 Nov 2026)');
    // 4 orders, the cancelled one not in sales: $300, against a usual Tuesday of $150 (Shopify $100 + Flipkart $50)
    expect(text).toMatch(/Sales: \$300(\.00)? from 4 orders; the usual Tuesday \$150(\.00)? \(\+100%\)/);
    expect(text).toMatch(/- Shopify: \$300(\.00)? from 4 orders, usual Tuesday \$100(\.00)? \(\+200%\)/);
    expect(text).toMatch(/- Flipkart: no sales, against \$50(\.00)? usual Tuesday/);
    expect(text).toMatch(/Top products: Jute rug on Shopify, \$300/);
    expect(text).toMatch(/Returns and cancellations: 1 order returned, 1 cancelled/);
    // 35 rugs sold in 30 days (1.17 a day) and 4 left: 3 days
    expect(text).toMatch(/Stock at risk: Jute rug on Shopify, 3 days left \(4 in stock\)/);
    expect(text).toMatch(/Data: Amazon, Flipkart and Shopify as of 2026-11-25 09:00/);
    // the table and the chart's figures
    const table = post?.args.blocks.find((b: { type: string }) => b.type === 'table');
    expect(table).toBeDefined();
    // one chart, uploaded into the same DM
    const uploads = slack.of('files.completeUploadExternal');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.args.channel_id).toBe(post?.args.channel);

    // the same day again (a retry, a second worker): nothing more is sent
    expect(await sendDigest(deps(), seller.userId, new Date(WEDNESDAY_9AM.getTime() + 3_600_000))).toBe('already_sent');
    expect(slack.of('chat.postMessage')).toHaveLength(1);
  });

  it('on Mondays tells last week against the week before', async () => {
    const seller = await kolkataSeller('bela');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1BELA` }, seller.userId);
    expect(await sendDigest(deps(), seller.userId, MONDAY_9AM)).toBe('sent');
    const text: string = slack.of('chat.postMessage')[0]?.args.text;
    expect(text).toContain('Your ShopIQ weekly digest for last week (23–29 Nov 2026)');
    // last week: the 24th's $300; the week before: the 17th's $150
    expect(text).toMatch(/Sales: \$300(\.00)? from 4 orders; the week before \$150(\.00)? \(\+100%\)/);
  });

  it('goes on WhatsApp as the template when the seller last wrote more than 24 hours ago', async () => {
    const seller = await kolkataSeller('chandra');
    await linkIdentity(pool, { channel: 'whatsapp', externalId: NUMBER }, seller.userId);
    await pool.query(
      `update channel_identity set last_seen_at = $2::timestamptz - interval '30 hours' where external_id = $1`,
      [NUMBER, WEDNESDAY_9AM],
    );
    expect(await sendDigest(deps(), seller.userId, WEDNESDAY_9AM)).toBe('sent');
    const sent = twilio.to(NUMBER);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.ContentSid).toBe(FOLLOW_UP_TEMPLATE);
    expect(JSON.parse(sent[0]?.ContentVariables ?? '{}')['1']).toMatch(/^Your ShopIQ digest for yesterday/);
  });

  it('is not sent when off, nor when the seller has no chat to reach', async () => {
    const off = await kolkataSeller('dev');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1DEV` }, off.userId);
    await pool.query(`update "user" set digest_time = null where id = $1`, [off.userId]);
    expect(await sendDigest(deps(), off.userId, WEDNESDAY_9AM)).toBe('off');
    const unreachable = await kolkataSeller('esha');
    expect(await sendDigest(deps(), unreachable.userId, WEDNESDAY_9AM)).toBe('no_chat');
    expect(slack.of('chat.postMessage')).toHaveLength(0);
  });
  /** The seller's digest prepared (as their job does ahead of 09:00) for Wednesday 09:00. */
  const prepareWednesday = (userId: string) =>
    prepareDigest(deps(), userId, WEDNESDAY_9AM, {
      now: new Date(WEDNESDAY_9AM.getTime() - 20 * 60_000),
      sendNow: false,
    });
  const sender = (at: Date, concurrency = 2) => new DigestSender(deps(), { clock: () => at, concurrency });
  const rowOf = async (userId: string) =>
    (
      await pool.query<{ state: string; has_reply: boolean; has_chart: boolean; send_at: Date }>(
        `select state, reply is not null as has_reply, chart_png is not null as has_chart, send_at
           from digest_delivery where user_id = $1`,
        [userId],
      )
    ).rows;

  it('is prepared ahead with its chart drawn, and sent from the outbox once it is due, by two racing senders once each', async () => {
    const sellers = await Promise.all(['gita', 'hari', 'ira', 'jai'].map((name) => kolkataSeller(name)));
    for (const [i, seller] of sellers.entries()) {
      await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U2RACE${i}` }, seller.userId);
      expect(await prepareWednesday(seller.userId)).toBe('prepared');
      expect(await rowOf(seller.userId)).toEqual([
        { state: 'prepared', has_reply: true, has_chart: true, send_at: WEDNESDAY_9AM },
      ]);
    }
    // prepared twice (a job run again): still one
    expect(await prepareWednesday(sellers[0]?.userId as string)).toBe('already_sent');
    // a minute early: nothing is due
    expect(await sender(new Date(WEDNESDAY_9AM.getTime() - 60_000)).sendDue()).toBe(0);
    expect(slack.of('chat.postMessage')).toHaveLength(0);

    const at = new Date(WEDNESDAY_9AM.getTime() + 1000);
    const sent = await Promise.all([sender(at).sendDue(), sender(at).sendDue()]);
    expect(sent[0] + sent[1]).toBe(4);
    const posts = slack.of('chat.postMessage');
    expect(posts).toHaveLength(4);
    for (const [i] of sellers.entries()) {
      const opened = slack.of('conversations.open').filter((c) => c.args.users === `U2RACE${i}`);
      expect(opened.length).toBeGreaterThan(0);
    }
    expect(new Set(posts.map((p) => p.args.channel)).size).toBe(4);
    expect(posts[0]?.args.text).toContain('Your ShopIQ digest for yesterday (24 Nov 2026)');
    // each with the chart drawn ahead, in its DM
    const uploads = slack.of('files.completeUploadExternal');
    expect(uploads.map((u) => u.args.channel_id).sort()).toEqual(posts.map((p) => p.args.channel).sort());
    for (const seller of sellers) {
      expect(await rowOf(seller.userId)).toEqual([
        { state: 'sent', has_reply: false, has_chart: false, send_at: WEDNESDAY_9AM },
      ]);
    }
    // and again: nothing more
    expect(await sender(new Date(at.getTime() + 60_000)).sendDue()).toBe(0);
    expect(slack.of('chat.postMessage')).toHaveLength(4);
  });

  it("is sent as the seller's settings stand at the send: not when turned off, to the chat they moved it to", async () => {
    const off = await kolkataSeller('kiran');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1KIRAN` }, off.userId);
    const moved = await kolkataSeller('lata');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1LATA` }, moved.userId);
    await linkIdentity(pool, { channel: 'whatsapp', externalId: NUMBER.replace('55555', '66666') }, moved.userId);
    expect(await prepareWednesday(off.userId)).toBe('prepared');
    expect(await prepareWednesday(moved.userId)).toBe('prepared');
    await pool.query(`update "user" set digest_time = null where id = $1`, [off.userId]);
    const whatsapp = {
      channel: 'whatsapp',
      conversationId: NUMBER.replace('55555', '66666'),
      identity: NUMBER.replace('55555', '66666'),
    };
    await pool.query(`update "user" set digest_address = $2 where id = $1`, [moved.userId, JSON.stringify(whatsapp)]);

    expect(await sender(new Date(WEDNESDAY_9AM.getTime() + 1000)).sendDue()).toBe(1);
    expect(slack.of('chat.postMessage')).toHaveLength(0);
    expect(await rowOf(off.userId)).toEqual([]);
    const sent = twilio.to(NUMBER.replace('55555', '66666'));
    expect(sent.length).toBeGreaterThan(0);
  });

  it("is prepared by a worker's job ahead of its time, and sent by a job run late at once", async () => {
    const ahead = await kolkataSeller('mala');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1MALA` }, ahead.userId);
    const late = await kolkataSeller('farah');
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U1FARAH` }, late.userId);
    // prepared 30 minutes ahead: one digest due in 10 minutes, one due a minute ago (its worker was down)
    const hhmm = (ms: number) => localTime(new Date(Date.now() + ms), 'Asia/Kolkata').slice(11, 16);
    const inTen = hhmm(10 * 60_000);
    const minuteAgo = hhmm(-60_000);
    await pool.query(`update "user" set digest_time = $2 where id = $1`, [ahead.userId, inTen]);
    await pool.query(`update "user" set digest_time = $2 where id = $1`, [late.userId, minuteAgo]);
    const leadConfig = { ...config, jobs: { ...config.jobs, digestPrepareMinutes: 30 } };
    // scheduled as of 40 minutes ago: both jobs are due now
    const past = await openScheduler(leadConfig, pool, { clock: () => new Date(Date.now() - 40 * 60_000) });
    await past.scheduleSeller(ahead.userId);
    await past.scheduleSeller(late.userId);
    expect((await past.scheduledDigestOf(late.userId))?.nextRunAt?.getTime()).toBeLessThan(Date.now());
    // their syncs are not what this test waits for: the worker schedules them afresh
    await past.agenda.cancel({ name: JOB.syncSeller });
    await past.stop(0);

    const worker = await openScheduler(leadConfig, pool);
    try {
      await worker.work(
        { pool, vault: new TokenVault(resolveKeyring(config, log)), config: leadConfig, log },
        notifier,
      );
      const deadline = Date.now() + 30_000;
      const settled = async () =>
        (await rowOf(ahead.userId))[0]?.state === 'prepared' && slack.of('chat.postMessage').length > 0;
      while (!(await settled()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      // the late one at once
      const posts = slack.of('chat.postMessage');
      expect(posts).toHaveLength(1);
      expect(posts[0]?.args.text).toMatch(/^Your ShopIQ (weekly )?digest for/);
      expect(slack.of('conversations.open')[0]?.args.users).toBe('U1FARAH');
      expect((await rowOf(late.userId))[0]?.state).toBe('sent');
      // the other waits in the outbox for its time, today's in Kolkata
      const dueAt = instantOf(localDate(new Date(Date.now() + 10 * 60_000), 'Asia/Kolkata'), inTen, 'Asia/Kolkata');
      expect(await rowOf(ahead.userId)).toEqual([
        { state: 'prepared', has_reply: true, has_chart: true, send_at: dueAt },
      ]);
      // each job's next run: 30 minutes before the same time tomorrow, Kolkata time
      let next: Date | undefined;
      while (Date.now() < deadline) {
        next = (await worker.scheduledDigestOf(late.userId))?.nextRunAt;
        if (next && next.getTime() > Date.now()) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(localTime(new Date((next as Date).getTime() + 30 * 60_000), 'Asia/Kolkata').slice(11, 16)).toBe(minuteAgo);
      expect((next as Date).getTime() - Date.now()).toBeGreaterThan(22 * 3_600_000);
    } finally {
      await worker.stop(0);
    }
  });
});

/**
 * Alerts after a sync: each detector fires on the anomaly planted in a seller's own
 * history (naming the marketplace and product, with its numbers and the question to ask
 * next) and stays silent on a seller with the same history and nothing planted; an alert
 * is told once (not again after the next sync); a lasting one is cleared when it ends and
 * told again when it comes back; `alerts mute` and `alerts off` hold.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatNotifier } from '../../src/channels/chat-notifier.ts';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { runCommand } from '../../src/conversation/command-handlers.ts';
import { parseCommand } from '../../src/conversation/commands.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { checkAlerts } from '../../src/insights/alerts.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { addDays } from '../../src/time/local-time.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller } from '../support/analytics-seed.ts';
import { mockSlackApi, type SlackApiMock, slackEnv, TEAM } from '../support/slack.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { FOLLOW_UP_TEMPLATE, mockTwilioApi, twilioEnv } from '../support/twilio.ts';

/** Wednesday 25 Nov 2026, 03:00 UTC: the last finished day is Tuesday the 24th. */
const NOW = new Date('2026-11-25T03:00:00Z');
const YESTERDAY = '2026-11-24';

describe('alerts', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let slack: SlackApiMock;
  let notifier: ChatNotifier;
  const log = createLogger({ logLevel: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
  const check = (seller: SeededSeller, since = new Date(Date.now() - 60_000)) =>
    checkAlerts({ pool, notifier, log, staleAfterMs: 365 * 86_400_000 }, seller.userId, { since, now: NOW });

  /**
   * Nine weeks to yesterday: Shopify 3 orders a day of a rug ($50, one a week comes back
   * 5 days on), Flipkart 2 a day of a lamp ($40); stock for months; every connection synced
   * well. `plant` leaves Flipkart's yesterday empty, has 14 more rugs come back in the last
   * week (two a day, 6 days after their order), leaves 8
   * rugs in stock, has Amazon failing for 13 hours and brings in a $2,000 order.
   */
  async function seller(name: string, plant: boolean): Promise<SeededSeller> {
    const s = await seedSeller(pool, { name });
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:U${name.toUpperCase()}` }, s.userId);
    for (let d = 63; d >= 1; d--) {
      const day = addDays('2026-11-25', -d);
      for (let i = 0; i < 3; i++) {
        // one rug a week comes back (those back by yesterday); planted: two more a day over the last seven days
        const planted = plant && d >= 7 && d <= 13 && i >= 1;
        const returned = (d % 7 === 3 && d >= 6 && i === 0) || planted;
        await seedOrder(pool, s, {
          marketplace: 'shopify',
          id: `s-${name}-${day}-${i}`,
          orderedAt: `${day}T10:0${i}:00Z`,
          currency: 'USD',
          total: '50',
          usd: '50',
          hasReturn: Boolean(returned),
          items: [
            {
              sku: 'RUG-1',
              quantity: 1,
              price: '50',
              title: 'Jute rug',
              ...(returned ? { returned: 1, returnedAt: `${addDays(day, planted ? 6 : 5)}T12:00:00Z` } : {}),
            },
          ],
        });
      }
      if (plant && day === YESTERDAY) continue;
      for (let i = 0; i < 2; i++) {
        await seedOrder(pool, s, {
          marketplace: 'flipkart',
          id: `f-${name}-${day}-${i}`,
          orderedAt: `${day}T11:0${i}:00Z`,
          currency: 'USD',
          total: '40',
          usd: '40',
          items: [{ sku: 'LAMP-1', quantity: 1, price: '40', title: 'Brass lamp' }],
        });
      }
    }
    await seedProduct(pool, s, {
      marketplace: 'shopify',
      sku: 'RUG-1',
      title: 'Jute rug',
      stock: plant ? 8 : 900,
      price: '50',
      currency: 'USD',
    });
    await seedProduct(pool, s, {
      marketplace: 'flipkart',
      sku: 'LAMP-1',
      title: 'Brass lamp',
      stock: 900,
      price: '40',
      currency: 'USD',
    });
    await pool.query(`update marketplace_connection set last_sync_at = $2 where user_id = $1`, [
      s.userId,
      new Date(NOW.getTime() - 20 * 3_600_000),
    ]);
    if (plant) {
      // Amazon: a good sync 20 hours ago, then failures from 13 hours ago
      for (const hoursAgo of [13, 7, 1]) {
        await pool.query(
          `insert into sync_run (user_id, connection_id, marketplace, trigger, status, started_at, finished_at, failure_kind, error)
           values ($1, $2, 'amazon', 'scheduled', 'failed', $3, $3, 'temporary', 'HTTP 503')`,
          [s.userId, s.connections.amazon, new Date(NOW.getTime() - hoursAgo * 3_600_000)],
        );
      }
      await seedOrder(pool, s, {
        marketplace: 'shopify',
        id: `big-${name}`,
        orderedAt: `${YESTERDAY}T15:00:00Z`,
        currency: 'USD',
        total: '2000',
        usd: '2000',
        items: [{ sku: 'RUG-XL', quantity: 1, price: '2000', title: 'Hand-knotted carpet' }],
      });
    }
    return s;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    slack = mockSlackApi();
    const config = testConfig({ DATABASE_URL: db.url, ...slackEnv() });
    notifier = createChatNotifier({ config, db: pool, vault: new TokenVault(resolveKeyring(config, log)), log });
  });
  beforeEach(() => {
    slack.calls.length = 0;
  });
  afterAll(async () => {
    slack?.done();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('each detector fires on its planted anomaly, naming where, with its numbers and what to ask next', async () => {
    const s = await seller('ravi', true);
    const { raised, sent } = await check(s);
    const by = (kind: string) => raised.filter((f) => f.kind === kind);
    expect(raised.map((f) => f.kind).sort()).toEqual([
      'connection',
      'large_order',
      'return_spike',
      'sales_drop',
      'stock_low',
    ]);
    expect(by('sales_drop')[0]).toMatchObject({
      marketplace: 'flipkart',
      dedupeKey: `sales_drop:flipkart:${YESTERDAY}`,
    });
    expect(by('sales_drop')[0]?.text).toMatch(
      /Flipkart sales fell on Tuesday 2026-11-24: \$0(\.00)? from 0 orders, against \$80(\.00)? from 2 on a usual Tuesday/,
    );
    expect(by('return_spike')[0]).toMatchObject({ marketplace: 'shopify', sku: 'RUG-1' });
    expect(by('return_spike')[0]?.text).toMatch(
      /Returns of Jute rug on Shopify jumped: 15 orders of it came back in the last 7 days, against about 1\.2 usual for its sales \(6% of its orders came back over the 8 weeks before\)/,
    );
    expect(by('stock_low')[0]).toMatchObject({ marketplace: 'shopify', sku: 'RUG-1' });
    expect(by('stock_low')[0]?.text).toMatch(/Jute rug runs out on Shopify in about \d day/);
    expect(by('connection')[0]).toMatchObject({ marketplace: 'amazon' });
    expect(by('connection')[0]?.text).toMatch(/Amazon .* has not synced since 2026-11-24 14:00/);
    expect(by('large_order')[0]?.text).toMatch(
      /A large order on Shopify: big-ravi, \$2,000(\.00)?, about 40× your usual order/,
    );
    // told in the seller's Slack DM, each with the question to ask next and how to mute it
    expect(sent).toBe(5);
    const texts = slack.of('chat.postMessage').map((c) => c.args.text as string);
    expect(texts).toHaveLength(5);
    expect(texts.find((t) => t.startsWith('Flipkart sales fell'))).toMatch(
      /Ask me: "Which products sold less on Flipkart on 2026-11-24 than usual\?"\n\(`alerts mute sales-drop` stops/,
    );

    // in Slack, what to do next is a tap away
    const flipkart = slack.of('chat.postMessage').find((c) => String(c.args.text).startsWith('Flipkart sales fell'));
    const buttons = flipkart?.args.blocks.find((b: { type: string }) => b.type === 'actions')?.elements;
    expect(buttons.map((b: { text: { text: string }; value: string }) => [b.text.text, b.value])).toEqual([
      ['Show details', 'Which products sold less on Flipkart on 2026-11-24 than usual?'],
      ['Mute this', 'alerts mute sales-drop'],
    ]);

    // the next sync finds the same: nothing is told again
    expect((await check(s)).raised).toEqual([]);
    expect(slack.of('chat.postMessage')).toHaveLength(5);
  });

  it('tells findings of one kind in one message', async () => {
    const s = await seller('kiran', true);
    await pool.query(`update unified_product set inventory = 3 where user_id = $1 and sku = 'LAMP-1'`, [s.userId]);
    const { raised } = await check(s);
    expect(
      raised
        .filter((f) => f.kind === 'stock_low')
        .map((f) => f.sku)
        .sort(),
    ).toEqual(['LAMP-1', 'RUG-1']);
    const stock = slack.of('chat.postMessage').filter((c) => /stock/.test(String(c.args.text)));
    expect(stock).toHaveLength(1);
    expect(stock[0]?.args.text).toMatch(
      /^2 selling products are out of stock or about to run out:\n- (Jute rug|Brass lamp) runs out .*\n- (Jute rug|Brass lamp) runs out .*\nAsk me: "Which products are running out of stock\?"/,
    );
  });

  it('keeps nothing while the seller has no chat to be told in, and tells it once they have one', async () => {
    const s = await seller('nila', true);
    await pool.query(`delete from channel_identity where user_id = $1`, [s.userId]);
    expect((await check(s)).raised).toEqual([]);
    const kept = await pool.query('select count(*)::int as n from seller_alert where user_id = $1', [s.userId]);
    expect(kept.rows[0].n).toBe(0);
    await linkIdentity(pool, { channel: 'slack', externalId: `${TEAM}:UNILA2` }, s.userId);
    expect((await check(s)).raised.length).toBe(5);
  });

  it('stays silent on the same history with nothing planted', async () => {
    const s = await seller('sita', false);
    expect((await check(s)).raised).toEqual([]);
    expect(slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('clears a lasting alert when it ends, and tells it again when it comes back', async () => {
    const s = await seller('uma', true);
    await check(s);
    await pool.query(`update unified_product set inventory = 900 where user_id = $1`, [s.userId]);
    const restocked = await check(s);
    expect(restocked.cleared).toBe(1);
    expect(restocked.raised).toEqual([]);
    await pool.query(`update unified_product set inventory = 5 where user_id = $1 and sku = 'RUG-1'`, [s.userId]);
    expect((await check(s)).raised.map((f) => f.kind)).toEqual(['stock_low']);
  });

  it('holds `alerts mute <kind> for N days` and `alerts off`, from any channel', async () => {
    const s = await seller('zoya', true);
    const say = async (text: string) => {
      const command = parseCommand(text);
      if (!command) throw new Error(`not a command: ${text}`);
      const scope = { userId: s.userId, timezone: 'UTC', currency: 'USD' };
      const reply = await runCommand(command, {
        db: pool,
        config: { conversation: testConfig({}).conversation },
        scope,
        now: NOW,
        limitedMode: true,
        syncs: undefined,
        identity: undefined,
        address: { channel: 'slack', conversationId: `direct:${TEAM}:UZOYA`, identity: `${TEAM}:UZOYA` },
        followUp: () => {},
      });
      return reply.text;
    };
    expect(await say('alerts mute stock for 7 days')).toMatch(
      /Muted: no alerts about low stock .* until 2026-12-02 03:00/,
    );
    expect(await say('alerts mute large-order')).toMatch(/until you say `alerts unmute large-order`/);
    expect((await check(s)).raised.map((f) => f.kind).sort()).toEqual(['connection', 'return_spike', 'sales_drop']);
    expect(await say('alerts')).toMatch(/low stock .*: muted until 2026-12-02 03:00/);
    expect(await say('alerts unmute stock')).toMatch(/back on/);
    expect((await check(s)).raised.map((f) => f.kind)).toEqual(['stock_low']);
    expect(await say('alerts off')).toMatch(/Alerts are off/);
    await pool.query(`delete from seller_alert where user_id = $1`, [s.userId]);
    expect((await check(s)).raised).toEqual([]);
    expect(await say('alerts mute everything')).toMatch(/is not something I can do/);
  });
  it("on WhatsApp outside 24 hours: each kind's own template, and no more than the day's cap", async () => {
    const twilio = mockTwilioApi();
    const STOCK_TEMPLATE = `HX${'b'.repeat(32)}`;
    const config = testConfig({
      DATABASE_URL: db.url,
      ...twilioEnv({ TWILIO_TEMPLATE_FOLLOW_UP: FOLLOW_UP_TEMPLATE, TWILIO_TEMPLATE_ALERT_STOCK_LOW: STOCK_TEMPLATE }),
    });
    const whatsapp = createChatNotifier({ config, db: pool, vault: new TokenVault(resolveKeyring(config, log)), log });
    const s = await seller('omar', true);
    await pool.query(`delete from channel_identity where user_id = $1`, [s.userId]);
    await linkIdentity(pool, { channel: 'whatsapp', externalId: '+919866666666' }, s.userId);
    await pool.query(`update channel_identity set last_seen_at = now() - interval '30 hours' where user_id = $1`, [
      s.userId,
    ]);
    await pool.query(`update "user" set alert_mutes = '{"connection": "9999-01-01T00:00:00Z"}' where id = $1`, [
      s.userId,
    ]);
    const deps = { pool, notifier: whatsapp, log, staleAfterMs: 365 * 86_400_000, whatsappAlertsPerDay: 3 };
    const first = await checkAlerts(deps, s.userId, { since: new Date(Date.now() - 60_000), now: NOW });
    // four found, three told (the cap), one held
    expect(first.raised).toHaveLength(4);
    expect(first.sent).toBe(3);
    const sent = twilio.to('+919866666666');
    expect(sent).toHaveLength(3);
    const byTemplate = sent.map((m) => JSON.parse(m.ContentVariables ?? '{}')['1'] as string);
    const stock = sent.find((m) => m.ContentSid === STOCK_TEMPLATE);
    expect(stock && JSON.parse(stock.ContentVariables ?? '{}')['1']).toMatch(/^Jute rug runs out on Shopify/);
    expect(sent.filter((m) => m.ContentSid === FOLLOW_UP_TEMPLATE)).toHaveLength(2);
    expect(byTemplate.every((t) => t.length > 0)).toBe(true);
    const held = await pool.query(
      `select count(*)::int as n from seller_alert where user_id = $1 and sent_at is null`,
      [s.userId],
    );
    expect(held.rows[0].n).toBe(1);
    twilio.sent.length = 0;
  });
});

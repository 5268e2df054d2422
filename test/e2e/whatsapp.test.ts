/**
 * WhatsApp end to end: Twilio's signed webhooks over loopback to `/twilio/whatsapp` of
 * a running web service, Twilio's REST API mocked by nock, a seller with orders of last
 * month, and a scripted model whose answer is long (it must be split) and brings a
 * table and a chart.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import type { LlmClient, LlmRequest, LlmResponse } from '../../src/conversation/llm/llm-client.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { issueLinkCode } from '../../src/identity/link-codes.ts';
import { type SeededSeller, seedLastMonthRugOrders, seedSeller } from '../support/analytics-seed.ts';
import { runCli } from '../support/cli.ts';
import { TEST_KEY, testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  inboundMessage,
  mockTwilioApi,
  PUBLIC_BASE_URL,
  postToTwilioWebhook,
  type SentMessage,
  type TwilioApiMock,
  twilioEnv,
} from '../support/twilio.ts';

const SELLER = '+919812345678';
const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
/** A long answer in paragraphs: more than 1,600 characters, so it goes in several messages. */
const LONG_ANSWER = Array.from(
  { length: 8 },
  (_, i) => `Point ${i + 1}: ${'your Flipkart sales carried last month, and the rest followed. '.repeat(5).trim()}`,
).join('\n\n');

/** Asks for last month's sales by marketplace, then answers at length (thinking 3.5 s first when asked "slowly"). */
const scriptedModel: LlmClient = {
  model: 'scripted',
  async complete(request: LlmRequest): Promise<LlmResponse> {
    const last = request.messages.at(-1);
    if (typeof last?.content === 'string' && last.content.includes('slowly')) {
      await new Promise((resolve) => setTimeout(resolve, 3500));
    }
    const answered = Array.isArray(last?.content) && last.content.some((b) => b.type === 'tool_result');
    return answered
      ? { content: [{ type: 'text', text: LONG_ANSWER }], stopReason: 'end_turn', usage }
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

describe('ShopIQ on WhatsApp', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let app: App;
  let twilio: TwilioApiMock;
  let seller: SeededSeller;

  const post = (params: Record<string, string>, signature?: string) =>
    postToTwilioWebhook(app.url, '/twilio/whatsapp', params, { signature });
  const bodies = (messages: SentMessage[]) => messages.flatMap((m) => (m.Body ? [m.Body] : []));

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    seller = await seedSeller(pool, { name: 'asha', currency: 'INR', timezone: 'Asia/Kolkata' });
    await seedLastMonthRugOrders(pool, seller, ['flipkart', 'flipkart', 'amazon']);
    await linkIdentity(pool, { channel: 'whatsapp', externalId: SELLER }, seller.userId);
    twilio = mockTwilioApi();
    app = createApp(testConfig({ DATABASE_URL: db.url, ...twilioEnv() }), { role: 'web', llm: scriptedModel });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('answers empty TwiML at once, then the question with its figures, split under 1,600 characters in order', async () => {
    const res = await post(inboundMessage(SELLER, 'What were my total sales last month?'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    await vi.waitFor(() => expect(twilio.to(SELLER).some((m) => m.MediaUrl)).toBe(true), { timeout: 15_000 });
    const texts = bodies(twilio.to(SELLER));
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(1600);
    const all = texts.join('\n');
    // the paragraphs in their order, nothing lost
    const order = Array.from({ length: 8 }, (_, i) => all.indexOf(`Point ${i + 1}:`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // the figures: 2 Flipkart orders of ₹4,400 and 1 Amazon order, and how fresh the data is
    expect(all).toMatch(/Flipkart/);
    expect(all).toMatch(/8,800/);
    expect(all).toMatch(/Data: .*as of/);
    expect(all).not.toMatch(/\|\s*-{3}/); // no Markdown pipes
    expect(twilio.to(SELLER).every((m) => m.From === 'whatsapp:+14155238886')).toBe(true);
    expect(twilio.to(SELLER)[0]?.StatusCallback).toBe(`${PUBLIC_BASE_URL}/twilio/status`);
  });

  it('sends the chart as a mediaUrl that serves a PNG', async () => {
    const media = twilio.to(SELLER).find((m) => m.MediaUrl);
    expect(media?.MediaUrl).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/media/[A-Za-z0-9_-]{20,}\\.png$`));
    const path = new URL(media?.MediaUrl as string).pathname;
    const image = await fetch(`${app.url}${path}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect((await fetch(`${app.url}/media/${'x'.repeat(32)}.png`)).status).toBe(404);
  });

  it('says an answer is coming when it takes longer than about 2 seconds', async () => {
    const number = '+919855555555';
    await linkIdentity(pool, { channel: 'whatsapp', externalId: number }, seller.userId);
    await post(inboundMessage(number, 'What were my total sales last month? Think slowly.'));
    await vi.waitFor(() => expect(twilio.to(number).some((m) => m.MediaUrl)).toBe(true), { timeout: 15_000 });
    const [first, ...rest] = bodies(twilio.to(number));
    expect(first).toBe('Looking into it…');
    expect(rest.join('\n')).toMatch(/Point 1:/);
    // a quick answer gets no such message
    const quick = bodies(twilio.to(SELLER));
    expect(quick.some((b) => b.startsWith('Looking'))).toBe(false);
  });

  it('answers the same MessageSid delivered 5 times at once, once', async () => {
    const number = '+919800000005';
    const params = inboundMessage(number, 'status');
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(params)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await vi.waitFor(() => expect(twilio.to(number).length).toBeGreaterThan(0), { timeout: 10_000 });
    await app.gateway.idle();
    expect(twilio.to(number)).toHaveLength(1);
  });

  it('W5: gives a message Twilio replays a day later (same MessageSid, validly signed) no second answer', async () => {
    const number = '+919800000006';
    const params = inboundMessage(number, 'status');
    await post(params);
    await vi.waitFor(() => expect(twilio.to(number)).toHaveLength(1), { timeout: 10_000 });
    await app.gateway.idle();
    await pool.query(`update processed_event set received_at = received_at - interval '1 day' where event_id = $1`, [
      params.MessageSid,
    ]);
    const replay = await post(params);
    expect(replay.status).toBe(200);
    await app.gateway.idle();
    expect(twilio.to(number)).toHaveLength(1);
  });

  it('refuses a bad signature, and one computed for another URL, with 403', async () => {
    const before = twilio.sent.length;
    const params = inboundMessage(SELLER, 'What were my total sales last month?');
    expect((await post(params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    const twilioSdk = (await import('twilio')).default;
    const forProxy = twilioSdk.getExpectedTwilioSignature(
      'test-twilio-auth-token',
      `${app.url}/twilio/whatsapp`,
      params,
    );
    expect((await post(params, forProxy)).status).toBe(403);
    await app.gateway.idle();
    expect(twilio.sent.length).toBe(before);
    const { rows } = await pool.query('select 1 from processed_event where event_id = $1', [params.MessageSid]);
    expect(rows).toHaveLength(0);
  });

  it('gives an unknown number the onboarding answer, none of a seller’s data, and its timezone and currency from the country', async () => {
    const stranger = '+919811111111';
    await post(inboundMessage(stranger, 'What were my total sales last month?'));
    await vi.waitFor(() => expect(twilio.to(stranger).length).toBeGreaterThan(0), { timeout: 10_000 });
    const text = bodies(twilio.to(stranger)).join('\n');
    expect(text).toMatch(/no marketplace is connected to this account yet/);
    expect(text).not.toMatch(/₹|8,800|Flipkart:/);
    expect(text).not.toMatch(/Which timezone/); // +91 settles it
    const { rows } = await pool.query(
      `select u.timezone, u.reporting_currency as currency from channel_identity i join "user" u on u.id = i.user_id
        where i.external_id = $1`,
      [stranger],
    );
    expect(rows[0]).toEqual({ timezone: 'Asia/Kolkata', currency: 'INR' });
    // a country of several zones: asked
    const american = '+14155550100';
    await post(inboundMessage(american, 'hi'));
    await vi.waitFor(() => expect(twilio.to(american).length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(bodies(twilio.to(american)).join('\n')).toMatch(/Which timezone are you in\?/);
  });

  it('`link <code>` joins a WhatsApp number to a seller known from Slack; both then see the same figures', async () => {
    await linkIdentity(pool, { channel: 'slack', externalId: 'T0SHOPIQ:U1ASHA' }, seller.userId);
    const { code } = await issueLinkCode(pool, seller.userId);
    const partner = '+919822222222';
    await post(inboundMessage(partner, `link ${code}`));
    await vi.waitFor(() => expect(bodies(twilio.to(partner)).join('\n')).toMatch(/now sees the data/), {
      timeout: 10_000,
    });
    await post(inboundMessage(partner, 'What were my total sales last month?'));
    await vi.waitFor(() => expect(bodies(twilio.to(partner)).some((b) => /8,800/.test(b))).toBe(true), {
      timeout: 15_000,
    });
    // the same figures as the seller's own number got
    const table = (number: string) =>
      bodies(twilio.to(number))
        .join('\n')
        .split('\n')
        .filter((line) => /^\*(Amazon|Flipkart|Total)\*:/.test(line));
    expect(table(partner).length).toBeGreaterThan(0);
    expect(table(partner)).toEqual(table(SELLER));
    const { rows } = await pool.query(`select count(distinct user_id)::int as n from channel_identity`);
    expect(rows[0].n).toBeGreaterThan(0);
    const owners = await pool.query(
      `select distinct user_id from channel_identity where external_id in ($1, 'T0SHOPIQ:U1ASHA', $2)`,
      [partner, SELLER],
    );
    expect(owners.rows.map((r) => r.user_id)).toEqual([seller.userId]);
  });

  it('says that only text is read to a photo without words, and refuses a body over 64 KB with 413', async () => {
    const number = '+919833333333';
    await post(
      inboundMessage(number, '', {
        NumMedia: '1',
        MessageType: 'image',
        MediaUrl0: 'https://api.twilio.com/media/ME1',
        MediaContentType0: 'image/jpeg',
      }),
    );
    await vi.waitFor(() => expect(bodies(twilio.to(number))).toHaveLength(1), { timeout: 10_000 });
    expect(bodies(twilio.to(number))[0]).toMatch(/I can only read text/);
    const big = inboundMessage(number, 'x'.repeat(70_000));
    expect((await post(big)).status).toBe(413);
  });

  it('records deliveries that failed, with their error code', async () => {
    const status = {
      MessageSid: 'SMfailed00000000000000000000000001',
      MessageStatus: 'undelivered',
      ErrorCode: '63024',
      To: `whatsapp:${SELLER}`,
      From: 'whatsapp:+14155238886',
      AccountSid: 'AC00000000000000000000000000000000',
    };
    const res = await postToTwilioWebhook(app.url, '/twilio/status', status);
    expect(res.status).toBe(204);
    expect((await postToTwilioWebhook(app.url, '/twilio/status', status, { signature: 'forged' })).status).toBe(403);
    const { rows } = await pool.query('select external_id, status, error_code from chat_delivery_failure');
    expect(rows).toEqual([{ external_id: SELLER, status: 'undelivered', error_code: '63024' }]);
    // the operator sees it against the seller
    const report = await runCli(['status'], {
      DATABASE_URL: db.url,
      ENCRYPTION_KEYS: TEST_KEY,
      SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-status-')),
    });
    expect(report.stdout).toMatch(
      /seller {7}asha .*\n {2}messages {3}1 not delivered in the last 24 h \(last error 63024\)/,
    );
  });
});

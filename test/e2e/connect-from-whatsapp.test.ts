/**
 * A new seller connects Flipkart from WhatsApp through the same flow as from Slack:
 * `connect flipkart` answers with a "Connect Flipkart: <url>" line; following it goes
 * through ShopIQ's `/oauth/flipkart/start`, the sandbox's consent page (approved as
 * sandbox seller 2), the callback and the "connected" page that sends the seller back to
 * WhatsApp. The first sync is announced to the number (connected, at most one progress
 * message since WhatsApp cannot edit one, done), a question then answers with the
 * sandbox truth's figures, and `disconnect flipkart` says where to remove the app.
 * Real PostgreSQL, Agenda, HTTP on loopback and the sandbox; Twilio's REST API is nock.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { freePort, type Hop, TestBrowser } from '../support/oauth-browser.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { startWebService } from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  inboundMessage,
  mockTwilioApi,
  postToTwilioWebhook,
  type TwilioApiMock,
  twilioEnv,
} from '../support/twilio.ts';

const TWILIO_API = 'https://twilio.test';
/** A new number: nobody ShopIQ knows yet. */
const SELLER = '+919876500002';

describe('connecting a marketplace from WhatsApp', () => {
  let db: TestDatabase;
  let sandbox: Sandbox;
  let sandboxBase: string;
  let app: App;
  let twilio: TwilioApiMock;
  let truth: any;
  let store: { seller: number; marketplace: string; accountId: string };
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ sandbox, base: sandboxBase } = await startSandbox({ sellers: 2, startMs: today.getTime() }));
    truth = await json(fetch(`${sandboxBase}/_sandbox/truth`));
    const { stores } = await json(fetch(`${sandboxBase}/_sandbox/stores`));
    store = stores.find((s: typeof store) => s.seller === 2 && s.marketplace === 'flipkart');
    twilio = mockTwilioApi(TWILIO_API);
    const port = await freePort();
    app = await startWebService(
      db.url,
      {
        LOG_LEVEL: 'error',
        PORT: String(port),
        SANDBOX_URL: sandboxBase,
        FLIPKART_MAX_REQUESTS_PER_S: '500',
        // Twilio signs for the URL it was given: here the service's own, on loopback
        ...twilioEnv({ PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, TWILIO_BASE_URL: TWILIO_API }),
      },
      'all',
    );
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
    nock.cleanAll();
    await db?.drop();
  });

  const bodies = (from = 0) =>
    twilio
      .to(SELLER)
      .slice(from)
      .flatMap((m) => (m.Body ? [m.Body] : []));
  /** Sends `text` from the seller's number; resolves with everything answered to it (the answer is text only). */
  const say = async (text: string): Promise<string> => {
    const before = twilio.to(SELLER).length;
    const res = await postToTwilioWebhook(app.url, '/twilio/whatsapp', inboundMessage(SELLER, text), {
      publicBaseUrl: app.config.publicBaseUrl,
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(twilio.to(SELLER).length).toBeGreaterThan(before), { timeout: 15_000 });
    await app.gateway.idle();
    return bodies(before).join('\n');
  };
  const sellerId = async () =>
    (
      await app.pool.query<{ user_id: string }>(
        `select user_id from channel_identity where channel = 'whatsapp' and external_id = $1`,
        [SELLER],
      )
    ).rows[0]?.user_id as string;

  it('connects Flipkart from the number: link, consent, callback, announced backfill, then true figures', async () => {
    const offer = await say('connect flipkart');
    expect(offer).toMatch(/open the link and approve ShopIQ/);
    const link = /^Connect Flipkart: (\S+)$/m.exec(offer)?.[1] as string;
    expect(link).toMatch(new RegExp(`^${app.config.publicBaseUrl}/oauth/flipkart/start\\?ticket=[\\w-]{43}$`));
    const announced = twilio.to(SELLER).length;

    const browser = new TestBrowser();
    const last = await browser.connect(link, { seller: store.accountId });
    expect(browser.hops[0]?.location?.startsWith(sandboxBase)).toBe(true);
    const callback = browser.hops.find((h) => h.url.includes('/oauth/flipkart/callback')) as Hop;
    expect(callback.location).toMatch(/\/oauth\/flipkart\/done\?outcome=connected&via=whatsapp$/);
    expect(last.status).toBe(200);
    expect(last.body).toMatch(/Flipkart connected/);
    expect(last.body).toMatch(/Go back to WhatsApp/);

    const userId = await sellerId();
    const { rows } = await app.pool.query(
      `select id, status, access_token_sealed is not null as sealed from marketplace_connection
        where marketplace = 'flipkart' and user_id = $1`,
      [userId],
    );
    expect(rows).toEqual([{ id: expect.any(String), status: 'CONNECTED', sealed: true }]);

    // to the number: connected, at most one progress message (no edits on WhatsApp), then done
    await vi.waitFor(() => expect(bodies(announced).join('\n')).toMatch(/is loaded/), {
      timeout: 60_000,
      interval: 200,
    });
    const said = bodies(announced);
    expect(said[0]).toMatch(/^Flipkart connected/);
    expect(said.filter((s) => s.startsWith('Loading Flipkart')).length).toBeLessThanOrEqual(1);
    const { rows: loaded } = await app.pool.query<{ n: number }>(
      'select count(*)::int as n from unified_order where connection_id = $1',
      [rows[0].id],
    );
    expect(loaded[0]?.n).toBeGreaterThan(0);
    expect(said.at(-1)).toMatch(/^Flipkart is loaded: [\d,]+ orders/);
    expect(Number(/is loaded: ([\d,]+) orders/.exec(said.at(-1) as string)?.[1]?.replace(/,/g, ''))).toBe(loaded[0]?.n);

    // "last month" as the truth counts it, in UTC (a +91 number is Asia/Kolkata)
    await app.pool.query(`update "user" set timezone = 'UTC' where id = $1`, [userId]);
    const answer = await say('What were my total sales last month?');
    const expected = truth.orders
      .filter((r: any) => r.seller === 2 && r.marketplace === 'flipkart' && r.month === lastMonth)
      .reduce((n: number, r: any) => n + r.orders, 0);
    expect(expected).toBeGreaterThan(0);
    // WhatsApp's table: a line a row, "*Flipkart*: 26 orders · …"
    const orders = /^\*Flipkart\*: ([\d,]+) orders?\b/m.exec(answer)?.[1];
    expect(Number(orders?.replace(/,/g, ''))).toBe(expected);
  }, 60_000);

  it('disconnect says Flipkart was disconnected and where to remove the app (Flipkart cannot revoke)', async () => {
    const answer = await say('disconnect flipkart');
    expect(answer).toMatch(/^Disconnected Flipkart: ShopIQ no longer reads it and has forgotten its access\./);
    expect(answer).toMatch(/remove the app in Flipkart Seller Hub/);
    const { rows } = await app.pool.query(
      `select status, access_token_sealed from marketplace_connection where user_id = $1 and marketplace = 'flipkart'`,
      [await sellerId()],
    );
    expect(rows).toEqual([{ status: 'DISCONNECTED', access_token_sealed: null }]);
  });
});

/**
 * A new seller connects their marketplaces from a Slack DM, the way they would: `connect
 * shopify <shop>` answers with a button; following it goes through ShopIQ's
 * `/oauth/shopify/start`, the sandbox's consent page (approved), the callback with each
 * marketplace's real checks and code exchange, and ends on the "connected" page. The
 * connection's first sync is announced in that DM (connected, progress updated in place,
 * done), and a question then answers with the sandbox truth's figures. Every way a
 * callback can be forged, replayed or misdirected is refused with nothing stored.
 * Real PostgreSQL, Agenda, HTTP on loopback and the sandbox; Slack's Web API is nock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { tokenContext } from '../../src/connections/connection-tokens.ts';
import type { Marketplace } from '../../src/db/enums.ts';
import { DEFAULT_APPS } from '../../src/sandbox/sandbox-context.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { signShopifyQuery } from '../../src/sandbox/shopify/shopify-oauth.ts';
import { freePort, type Hop, TestBrowser } from '../support/oauth-browser.ts';
import { json, startSandbox } from '../support/sandbox.ts';
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
} from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const JSON_TYPE = 'application/json';
const SELLER = 'U2NEWSELLER';
const DM = `D${SELLER}`;

describe('connecting marketplaces from a Slack DM', () => {
  let db: TestDatabase;
  let sandbox: Sandbox;
  let sandboxBase: string;
  let app: App;
  let slack: SlackApiMock;
  let truth: any;
  let stores: { seller: number; marketplace: string; accountId: string; key: string }[];
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ sandbox, base: sandboxBase } = await startSandbox({
      sellers: 2,
      ordersPerStore: 300,
      startMs: today.getTime(),
    }));
    truth = await json(fetch(`${sandboxBase}/_sandbox/truth`));
    stores = (await json(fetch(`${sandboxBase}/_sandbox/stores`))).stores;
    slack = mockSlackApi();
    const port = await freePort();
    app = await startWebService(
      db.url,
      {
        LOG_LEVEL: 'error',
        PORT: String(port),
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SANDBOX_URL: sandboxBase,
        FLIPKART_MAX_REQUESTS_PER_S: '500',
        ...slackEnv(),
      },
      'all',
    );
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
    slack?.done();
    await db?.drop();
  });

  const say = async (text: string) => {
    const ts = nextTs();
    const res = await postToSlack(app.url, eventEnvelope(dmEvent(SELLER, text, ts)), JSON_TYPE);
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(postsTo(DM, ts)).toHaveLength(1), { timeout: 15_000 });
    return postsTo(DM, ts)[0] as SlackCall;
  };
  const postsTo = (channel: string, threadTs?: string) =>
    slack
      .of('chat.postMessage')
      .filter((c) => c.args.channel === channel && (threadTs === undefined || c.args.thread_ts === threadTs));
  const textOf = (call: SlackCall | undefined): string =>
    [
      call?.args.text ?? '',
      ...(call?.args.blocks ?? []).filter((b: any) => b.type === 'markdown').map((b: any) => b.text),
    ].join('\n');
  const linkOf = (call: SlackCall): string => {
    const button = (call.args.blocks ?? [])
      .filter((b: any) => b.type === 'actions')
      .flatMap((b: any) => b.elements)
      .find((e: any) => typeof e.url === 'string');
    expect(button, 'a button to follow').toBeDefined();
    return button.url;
  };
  const sellerId = async () =>
    (
      await app.pool.query<{ user_id: string }>(
        `select user_id from channel_identity where channel = 'slack' and external_id = $1`,
        [`T0SHOPIQ:${SELLER}`],
      )
    ).rows[0]?.user_id as string;
  const storeOf = (marketplace: string) =>
    stores.find((s) => s.seller === 2 && s.marketplace === marketplace) as (typeof stores)[number];
  const messagesAfter = (index: number) =>
    slack.calls
      .slice(index)
      .filter((c) => ['chat.postMessage', 'chat.update'].includes(c.method) && c.args.channel === DM);

  const CASES: { marketplace: Marketplace; asked: (store: { accountId: string }) => string; seller: boolean }[] = [
    { marketplace: 'shopify', asked: (s) => `connect shopify ${s.accountId}`, seller: false },
    { marketplace: 'flipkart', asked: () => 'connect flipkart', seller: true },
    { marketplace: 'amazon', asked: () => 'connect amazon', seller: true },
  ];

  for (const { marketplace, asked, seller } of CASES) {
    it(`connects ${marketplace} from the DM: link, consent, callback, announced backfill, then true figures`, async () => {
      const store = storeOf(marketplace);
      const before = slack.calls.length;
      const offer = await say(asked(store));
      expect(textOf(offer)).toMatch(/open the link and approve ShopIQ/);
      const link = linkOf(offer);
      expect(link).toMatch(new RegExp(`^${app.config.publicBaseUrl}/oauth/${marketplace}/start\\?ticket=[\\w-]{43}$`));

      const browser = new TestBrowser();
      const last = await browser.connect(link, seller ? { seller: store.accountId } : {});
      const [start] = browser.hops;
      expect(start?.status).toBe(302);
      expect(start?.headers.get('referrer-policy')).toBe('no-referrer');
      expect(start?.headers.get('set-cookie')).toMatch(/shopiq_oauth=.*HttpOnly/i);
      expect(start?.location?.startsWith(sandboxBase)).toBe(true);
      const callback = browser.hops.find((h) => h.url.includes(`/oauth/${marketplace}/callback`)) as Hop;
      expect(callback.status).toBe(303);
      expect(callback.location).toMatch(new RegExp(`/oauth/${marketplace}/done\\?outcome=connected&via=slack$`));
      expect(last.status).toBe(200);
      expect(last.body).toMatch(/connected/i);
      expect(last.body).toMatch(/Go back to Slack/);
      expect(last.headers.get('referrer-policy')).toBe('no-referrer');

      const { rows } = await app.pool.query(
        `select status, access_token_sealed is not null as sealed, user_id from marketplace_connection
          where marketplace = $1 and user_id = $2`,
        [marketplace, await sellerId()],
      );
      expect(rows).toEqual([{ status: 'CONNECTED', sealed: true, user_id: await sellerId() }]);

      // in the DM: connected, a progress message (updated in place), then done
      await vi.waitFor(
        () =>
          expect(
            messagesAfter(before).some((c) => /example|ask/i.test(textOf(c)) && /loaded|orders/.test(textOf(c))),
          ).toBe(true),
        { timeout: 60_000, interval: 200 },
      );
      const said = messagesAfter(before).map((c) => `${c.method}: ${textOf(c)}`);
      const name = marketplace[0]?.toUpperCase() + marketplace.slice(1);
      expect(said.some((s) => s.startsWith('chat.postMessage') && s.includes(`${name} connected`))).toBe(true);
      // one progress message, posted once and then edited in place
      const progress = said.filter((s) => s.includes(`Loading ${name}`));
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.filter((s) => s.startsWith('chat.postMessage'))).toHaveLength(1);
      const { rows: loaded } = await app.pool.query<{ n: string }>(
        `select count(*) as n from unified_order o join marketplace_connection c on c.id = o.connection_id
          where c.marketplace = $1 and c.user_id = $2`,
        [marketplace, await sellerId()],
      );
      expect(Number(loaded[0]?.n)).toBeGreaterThan(0);
      expect(said.at(-1)).toContain(Number(loaded[0]?.n).toLocaleString('en-US'));

      // a question now answers with the truth's figures for this marketplace
      await app.pool.query(`update "user" set timezone = 'UTC' where id = $1`, [await sellerId()]);
      const answer = await say('What were my total sales last month?');
      const table = answer.args.blocks.find((b: any) => b.type === 'table');
      const row = table.rows
        .map((r: any[]) => r.map((c) => c.text))
        .find((r: string[]) => r[0]?.toLowerCase() === marketplace);
      const expected = truth.orders
        .filter((r: any) => r.seller === 2 && r.marketplace === marketplace && r.month === lastMonth)
        .reduce((n: number, r: any) => n + r.orders, 0);
      expect(Number(String(row?.[1]).replace(/\D/g, ''))).toBe(expected);
    }, 90_000);
  }

  it('disconnect revokes Shopify’s token at Shopify; disconnect … delete asks, then deletes that data', async () => {
    const userId = await sellerId();
    const { rows } = await app.pool.query(
      `select id, access_token_sealed from marketplace_connection where user_id = $1 and marketplace = 'shopify'`,
      [userId],
    );
    const token = app.vault.open(rows[0].access_token_sealed, tokenContext(rows[0].id, 'accessTokenSealed'));
    const shop = storeOf('shopify').accountId;
    const graphql = () =>
      fetch(`${sandboxBase}/shopify/${shop}/admin/api/${app.config.shopify.apiVersion}/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
        body: JSON.stringify({ query: '{ shop { name } }' }),
      });
    expect((await graphql()).status).toBe(200);
    expect(textOf(await say('disconnect shopify'))).toMatch(/Disconnected Shopify.*Shopify has revoked it too/s);
    expect((await graphql()).status).toBe(401);
    const after = await app.pool.query(
      `select status, access_token_sealed, refresh_token_sealed from marketplace_connection where id = $1`,
      [rows[0].id],
    );
    expect(after.rows).toEqual([{ status: 'DISCONNECTED', access_token_sealed: null, refresh_token_sealed: null }]);

    const orders = async () =>
      Number(
        (
          await app.pool.query<{ n: string }>(
            `select count(*) as n from unified_order where user_id = $1 and marketplace = 'flipkart'`,
            [userId],
          )
        ).rows[0]?.n,
      );
    const held = await orders();
    expect(held).toBeGreaterThan(0);
    const ask = textOf(await say('disconnect flipkart delete'));
    expect(ask).toContain(held.toLocaleString('en-US'));
    expect(ask).toMatch(/disconnect flipkart delete confirm/);
    expect(await orders()).toBe(held);
    expect(textOf(await say('disconnect flipkart delete confirm'))).toMatch(/deleted its data/);
    expect(await orders()).toBe(0);
    const left = await app.pool.query(`select marketplace from marketplace_connection where user_id = $1 order by 1`, [
      userId,
    ]);
    expect(left.rows.map((r) => r.marketplace)).toEqual(['amazon', 'shopify']);
  });

  describe('a callback forged, replayed, expired, from another seller or for another shop', () => {
    const OTHER = 'U3OTHERSELLER';
    const shop = () => storeOf('shopify').accountId.replace(/^[^.]+/, 'never-asked');
    /** A seller's connect link followed up to the callback the sandbox sends back (not yet requested). */
    const toCallback = async (user: string, browser: TestBrowser) => {
      const ts = nextTs();
      await postToSlack(
        app.url,
        eventEnvelope(dmEvent(user, `connect shopify ${storeOf('shopify').accountId}`, ts)),
        JSON_TYPE,
      );
      await vi.waitFor(() => expect(postsTo(`D${user}`, ts)).toHaveLength(1), { timeout: 15_000 });
      const start = await browser.request('GET', linkOf(postsTo(`D${user}`, ts)[0] as SlackCall));
      const consent = new URL(start.location as string);
      const approved = await browser.request('POST', `${consent.origin}${consent.pathname}`, consent.searchParams);
      expect(approved.status).toBe(302);
      return new URL(approved.location as string);
    };
    const connectionsOf = async (user: string) =>
      Number(
        (
          await app.pool.query<{ n: string }>(
            `select count(*) as n from marketplace_connection c join channel_identity i on i.user_id = c.user_id
              where i.external_id = $1`,
            [`T0SHOPIQ:${user}`],
          )
        ).rows[0]?.n,
      );
    const outcomeOf = (hop: Hop) => new URL(hop.location as string).searchParams.get('outcome');
    const resign = (url: URL, change: Record<string, string>) => {
      const params = Object.fromEntries(url.searchParams);
      Object.assign(params, change);
      delete params.hmac;
      params.hmac = signShopifyQuery(params, DEFAULT_APPS.shopify.clientSecret);
      const next = new URL(url.pathname, url);
      for (const [k, v] of Object.entries(params)) next.searchParams.set(k, v);
      return next.toString();
    };

    it('refuses a tampered HMAC, then still takes the genuine callback', async () => {
      const browser = new TestBrowser();
      const callback = await toCallback(OTHER, browser);
      const tampered = new URL(callback);
      tampered.searchParams.set('code', `${tampered.searchParams.get('code')}x`);
      const hop = await browser.request('GET', tampered.toString());
      expect(outcomeOf(hop)).toBe('refused');
      expect(await connectionsOf(OTHER)).toBe(0);
      // the state was not spent by the forgery: the real answer still connects
      const real = await browser.request('GET', callback.toString());
      expect(outcomeOf(real)).toBe('connected');
      expect(await connectionsOf(OTHER)).toBe(1);
      // a replay of it, with or without the cookie, is refused
      const replay = await browser.request('GET', callback.toString());
      expect(outcomeOf(replay)).toBe('state_used');
      await app.pool.query(
        `delete from marketplace_connection where user_id = (select user_id from channel_identity where external_id = $1)`,
        [`T0SHOPIQ:${OTHER}`],
      );
      expect(outcomeOf(await new TestBrowser().request('GET', callback.toString()))).toBe('state_used');
      expect(await connectionsOf(OTHER)).toBe(0);
    });

    it('refuses an expired state', async () => {
      const browser = new TestBrowser();
      const callback = await toCallback(OTHER, browser);
      await app.pool.query(
        `update oauth_state set state_expires_at = now() - interval '1 second' where state_used_at is null`,
      );
      expect(outcomeOf(await browser.request('GET', callback.toString()))).toBe('state_expired');
      expect(await connectionsOf(OTHER)).toBe(0);
    });

    it('refuses a state another seller started, brought to this seller’s browser', async () => {
      const mine = new TestBrowser();
      await toCallback(OTHER, mine);
      const theirs = await toCallback('U4THIRDSELLER', new TestBrowser());
      expect(outcomeOf(await mine.request('GET', theirs.toString()))).toBe('other_browser');
      expect(await connectionsOf(OTHER)).toBe(0);
      expect(await connectionsOf('U4THIRDSELLER')).toBe(0);
    });

    it('refuses a callback for another shop than the one asked for, even signed', async () => {
      const browser = new TestBrowser();
      const callback = await toCallback(OTHER, browser);
      const hop = await browser.request('GET', resign(callback, { shop: shop() }));
      expect(outcomeOf(hop)).toBe('refused');
      expect(await connectionsOf(OTHER)).toBe(0);
    });
  });

  it('a link already used shows that page and changes nothing', async () => {
    const offer = await say(`connect shopify ${storeOf('shopify').accountId}`);
    const link = linkOf(offer);
    await new TestBrowser().connect(link);
    const again = await new TestBrowser().request('GET', link);
    expect(again.status).toBe(410);
    expect(again.body).toMatch(/already used/);
  });
});

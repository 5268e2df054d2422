/**
 * Slack end to end: signed deliveries over loopback to `/slack/events` of a running
 * service (web role), Slack's Web API mocked by nock, a seller synced from the
 * sandbox. Answers come from limited mode here (no model configured); the streamed
 * model answer has its own test (slack-streaming.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { runCli } from '../support/cli.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import {
  BOT_USER,
  blockAction,
  dmEvent,
  eventEnvelope,
  mentionEvent,
  mockSlackApi,
  nextTs,
  postToSlack,
  type SlackApiMock,
  type SlackCall,
  slackEnv,
  slackSignature,
  slashCommand,
  startWebService,
  TEAM,
} from '../support/slack.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

const JSON_TYPE = 'application/json';
const cliEnvFor = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  ENCRYPTION_KEYS: TEST_KEY,
  SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-link-')),
});
const FORM_TYPE = 'application/x-www-form-urlencoded';

describe('ShopIQ in Slack', () => {
  const harness = useSyncHarness();
  let h: Awaited<ReturnType<typeof harness>>;
  let sandbox: Sandbox;
  let app: App;
  let slack: SlackApiMock;
  let userId: string;
  let truth: any;
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  // "last month" as the seller (UTC) counts it, as the sandbox's truth labels months
  const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);

  const send = (event: Record<string, unknown>, options = {}) =>
    postToSlack(app.url, eventEnvelope(event, options), JSON_TYPE);
  const postsTo = (channel: string, threadTs?: string) =>
    slack
      .of('chat.postMessage')
      .filter((c) => c.args.channel === channel && (threadTs === undefined || c.args.thread_ts === threadTs));
  const markdownOf = (call: SlackCall | undefined): string =>
    (call?.args.blocks ?? [])
      .filter((b: any) => b.type === 'markdown')
      .map((b: any) => b.text)
      .join('\n');
  const tableOf = (call: SlackCall | undefined) => call?.args.blocks?.find((b: any) => b.type === 'table');
  const cells = (row: any[]) => row.map((c) => c.text);
  /** Waits until the gateway has answered everything it took. */
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 50));
    await app.gateway.idle();
  };

  beforeAll(async () => {
    h = await harness();
    ({ sandbox } = await startSandboxToday());
    userId = await h.connect(sandboxBase, '1');
    await h.pool.query(`update "user" set timezone = 'UTC', reporting_currency = 'INR' where id = $1`, [userId]);
    const synced = await h.sync(userId);
    expect(synced.connections.map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    truth = await json(fetch(`${sandboxBase}/_sandbox/truth`));
    await linkIdentity(h.pool, { channel: 'slack', externalId: `${TEAM}:U1SELLER` }, userId);
    slack = mockSlackApi();
    app = await startWebService(h.db.url, { LOG_LEVEL: 'error', ...slackEnv() });
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
    slack?.done();
  });

  let sandboxBase: string;
  async function startSandboxToday() {
    const started = await startSandbox({ sellers: 2, ordersPerStore: 300, startMs: today.getTime() });
    sandboxBase = started.base;
    return started;
  }

  it('checks the bot token at start (auth.test)', () => {
    expect(slack.of('auth.test').length).toBeGreaterThan(0);
  });

  it('answers a DM question once, in its thread, with the sandbox truth’s figures, a table block, a chart upload and the freshness line', async () => {
    const ts = nextTs();
    const res = await send(dmEvent('U1SELLER', 'What were my total sales last month?', ts));
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(postsTo('DU1SELLER', ts)).toHaveLength(1), { timeout: 15_000 });
    await settle();
    const answer = postsTo('DU1SELLER', ts)[0];
    const text = markdownOf(answer);
    expect(text).toMatch(/Sales last month/);
    expect(text).toMatch(/Data: .*as of/);
    // orders per marketplace in the table equal the truth's orders of last month
    const table = tableOf(answer);
    expect(table).toBeDefined();
    const [header, ...rows] = table.rows.map(cells);
    expect(header.slice(0, 2)).toEqual(['marketplace', 'orders']);
    for (const m of ['shopify', 'flipkart', 'amazon']) {
      const expected = truth.orders
        .filter((r: any) => r.seller === 1 && r.marketplace === m && r.month === lastMonth)
        .reduce((n: number, r: any) => n + r.orders, 0);
      const row = rows.find((r: string[]) => r[0]?.toLowerCase() === m);
      expect(Number(String(row?.[1]).replace(/\D/g, ''))).toBe(expected);
    }
    // Flipkart sells in INR, the seller's currency: its revenue is the truth's net sales exactly (to the rupee),
    // cancelled orders left out by the sandbox's own rule
    const flipkartTruth = truth.orders
      .filter(
        (r: any) => r.seller === 1 && r.marketplace === 'flipkart' && r.month === lastMonth && r.currency === 'INR',
      )
      .filter((r: any) => !r.cancelled)
      .reduce((sum: number, r: any) => sum + Number(r.netSales), 0);
    const flipkartRow = rows.find((r: string[]) => r[0]?.toLowerCase() === 'flipkart') as string[];
    expect(Math.abs(Number(String(flipkartRow[2]).replace(/[^\d.]/g, '')) - flipkartTruth)).toBeLessThan(1);
    expect(answer?.args.blocks.some((b: any) => b.type === 'context_actions')).toBe(true);
    // the chart, uploaded as a PNG into the same thread
    const completed = slack.of('files.completeUploadExternal');
    expect(completed.at(-1)?.args).toMatchObject({ channel_id: 'DU1SELLER', thread_ts: ts });
    expect(slack.of('file-upload').length).toBeGreaterThan(0);
    expect(JSON.stringify(answer?.args.blocks)).not.toMatch(/\|\s*---/); // never Markdown pipes
  });

  it('answers an event Slack retries 3 times, also while the first is running, once', async () => {
    const ts = nextTs();
    const body = eventEnvelope(dmEvent('U1SELLER', 'Show me my return rate by marketplace', ts), {
      eventId: 'EvRETRY1',
    });
    const retry = (n: number) =>
      postToSlack(app.url, body, JSON_TYPE, {
        ...slackSignature(body),
        'x-slack-retry-num': String(n),
        'x-slack-retry-reason': 'http_timeout',
      });
    const first = await Promise.all([postToSlack(app.url, body, JSON_TYPE), retry(1)]);
    const later = await Promise.all([retry(2), retry(3)]);
    expect([...first, ...later].map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await vi.waitFor(() => expect(postsTo('DU1SELLER', ts)).toHaveLength(1), { timeout: 15_000 });
    await settle();
    expect(postsTo('DU1SELLER', ts)).toHaveLength(1);
    expect(markdownOf(postsTo('DU1SELLER', ts)[0])).toMatch(/Return rate/);
  });

  it('answers a mention in a channel in that message’s thread, and a reply in the thread without a mention', async () => {
    const ts = nextTs();
    await send(mentionEvent('U1SELLER', 'C0SALES', 'which product sells best on flipkart vs shopify?', ts));
    await vi.waitFor(() => expect(postsTo('C0SALES', ts)).toHaveLength(1), { timeout: 15_000 });
    expect(markdownOf(postsTo('C0SALES', ts)[0])).toMatch(/Best-selling product/);
    // a reply in that thread (message.channels), no mention: the app is in the thread, so it answers
    const reply = nextTs();
    await send({
      ...dmEvent('U1SELLER', 'and my return rate by marketplace?', reply),
      channel: 'C0SALES',
      channel_type: 'channel',
      thread_ts: ts,
    });
    await vi.waitFor(() => expect(postsTo('C0SALES', ts)).toHaveLength(2), { timeout: 15_000 });
    // a thread the app is not in is not its business
    const other = nextTs();
    await send({
      ...dmEvent('U1SELLER', 'lunch?', nextTs()),
      channel: 'C0SALES',
      channel_type: 'channel',
      thread_ts: other,
    });
    await settle();
    expect(postsTo('C0SALES', other)).toHaveLength(0);
  });

  it('ignores bot messages (its own too), edits and deletions', async () => {
    const before = slack.of('chat.postMessage').length;
    await send(dmEvent('U1SELLER', 'What were my total sales last month?', nextTs(), { bot_id: 'BOTHER' }));
    await send(dmEvent(BOT_USER, 'Sales last month: …', nextTs(), { bot_id: 'BSHOPIQ' }));
    await send({ ...dmEvent('U1SELLER', 'edited', nextTs()), subtype: 'message_changed' });
    await send({ ...dmEvent('U1SELLER', 'gone', nextTs()), subtype: 'message_deleted' });
    await settle();
    expect(slack.of('chat.postMessage').length).toBe(before);
  });

  it('acks `/shopiq status` at once and answers ephemerally through response_url after', async () => {
    // a first-time user: the answer waits on users.info (held 1.5 s); the ack does not
    slack.usersInfoDelayMs = 1500;
    try {
      const started = Date.now();
      const res = await postToSlack(app.url, slashCommand('U7NEWCOMER', 'status'), FORM_TYPE);
      const ackedAt = Date.now();
      expect(res.status).toBe(200);
      expect(ackedAt - started).toBeLessThan(3000);
      expect(slack.of('response_url').filter((c) => c.args.uri.includes(TEAM))).toSatisfy((calls: SlackCall[]) =>
        calls.every((c) => !String(c.args.text).includes('No marketplace')),
      );
      await vi.waitFor(
        () => expect(slack.of('response_url').some((c) => /No marketplace is connected/.test(c.args.text))).toBe(true),
        { timeout: 10_000 },
      );
      const answered = slack.of('response_url').find((c) => /No marketplace is connected/.test(c.args.text));
      expect(answered?.args.response_type).toBe('ephemeral');
    } finally {
      slack.usersInfoDelayMs = 0;
    }
    // the same command for a seller with marketplaces
    await postToSlack(app.url, slashCommand('U1SELLER', 'status'), FORM_TYPE);
    await vi.waitFor(
      () => expect(slack.of('response_url').some((c) => /Your marketplaces/.test(c.args.text))).toBe(true),
      { timeout: 10_000 },
    );
  });

  it('rejects a bad signature, a stale timestamp and one changed byte with 401, and runs nothing', async () => {
    const body = eventEnvelope(dmEvent('U1SELLER', 'What were my total sales last month?'), { eventId: 'EvFORGED' });
    const now = Math.floor(Date.now() / 1000);
    const forged = await postToSlack(app.url, body, JSON_TYPE, slackSignature(body, now, 'not-the-secret'));
    const stale = await postToSlack(app.url, body, JSON_TYPE, slackSignature(body, now - 6 * 60));
    const changed = body.replace('total sales', 'total salez');
    const tampered = await postToSlack(app.url, changed, JSON_TYPE, slackSignature(body, now));
    const unsigned = await postToSlack(app.url, body, JSON_TYPE, {});
    expect([forged.status, stale.status, tampered.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    const { rows } = await h.pool.query(`select 1 from processed_event where event_id = 'EvFORGED'`);
    expect(rows).toHaveLength(0);
  });

  it('answers Slack’s URL check when the request URL is saved', async () => {
    const challenge = 'c-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
    const body = JSON.stringify({ token: 'unused', challenge, type: 'url_verification' });
    const res = await postToSlack(app.url, body, JSON_TYPE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge });
  });

  it('refuses a body over 1 MB with 413 before reading it', async () => {
    const big = JSON.stringify({ type: 'event_callback', padding: 'x'.repeat(1_100_000) });
    const res = await postToSlack(app.url, big, JSON_TYPE);
    expect(res.status).toBe(413);
  });

  it('gives a second, unlinked Slack user the onboarding answer and none of the seller’s figures', async () => {
    slack.users.set('U2STRANGER', { tz: 'Asia/Kolkata', real_name: 'Stranger Danger' });
    const ts = nextTs();
    await send(dmEvent('U2STRANGER', 'What were my total sales last month?', ts));
    await vi.waitFor(() => expect(postsTo('DU2STRANGER', ts)).toHaveLength(1), { timeout: 15_000 });
    const answer = postsTo('DU2STRANGER', ts)[0];
    expect(markdownOf(answer)).toMatch(/no marketplace is connected to this account yet/);
    expect(markdownOf(answer)).toMatch(/`link`/);
    expect(tableOf(answer)).toBeUndefined();
    expect(markdownOf(answer)).not.toMatch(/₹|\$|INR|USD|orders/);
    // first contact made a seller of their own, in the timezone Slack knows for them
    const { rows } = await h.pool.query(
      `select u.id, u.timezone, u.display_name from channel_identity i join "user" u on u.id = i.user_id
        where i.external_id = $1`,
      [`${TEAM}:U2STRANGER`],
    );
    expect(rows[0]).toMatchObject({ timezone: 'Asia/Kolkata', display_name: 'Stranger Danger' });
    expect(rows[0].id).not.toBe(userId);
  });

  it('`link` gives a one-time code that joins a second Slack user to the seller; both then see the same figures', async () => {
    const ask = nextTs();
    await send(dmEvent('U1SELLER', 'link', ask));
    await vi.waitFor(() => expect(postsTo('DU1SELLER', ask)).toHaveLength(1), { timeout: 15_000 });
    const code = /\b([A-Z]{3}-\d{6})\b/.exec(markdownOf(postsTo('DU1SELLER', ask)[0]))?.[1];
    expect(code).toBeDefined();
    // a wrong code first: refused, nothing joined
    const wrong = nextTs();
    await send(dmEvent('U2STRANGER', `link ${code?.endsWith('000000') ? 'KMT-111111' : 'KMT-000000'}`, wrong));
    await vi.waitFor(() => expect(postsTo('DU2STRANGER', wrong)).toHaveLength(1), { timeout: 15_000 });
    expect(markdownOf(postsTo('DU2STRANGER', wrong)[0])).toMatch(/not valid/);
    const join = nextTs();
    await send(dmEvent('U2STRANGER', `link ${code}`, join));
    await vi.waitFor(() => expect(postsTo('DU2STRANGER', join)).toHaveLength(1), { timeout: 15_000 });
    expect(markdownOf(postsTo('DU2STRANGER', join)[0])).toMatch(/Done: this chat now sees/);
    // the code works once
    const again = nextTs();
    await send(dmEvent('U3LATECOMER', `link ${code}`, again));
    await vi.waitFor(() => expect(postsTo('DU3LATECOMER', again)).toHaveLength(1), { timeout: 15_000 });
    expect(markdownOf(postsTo('DU3LATECOMER', again)[0])).toMatch(/not valid/);
    // the same question from both identities: the same figures
    const a = nextTs();
    const b = nextTs();
    await send(dmEvent('U1SELLER', 'What were my total sales last month?', a));
    await send(dmEvent('U2STRANGER', 'What were my total sales last month?', b));
    await vi.waitFor(() => expect(postsTo('DU2STRANGER', b)).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(postsTo('DU1SELLER', a)).toHaveLength(1), { timeout: 15_000 });
    expect(tableOf(postsTo('DU2STRANGER', b)[0]).rows).toEqual(tableOf(postsTo('DU1SELLER', a)[0]).rows);
    // the empty seller first contact made for U2 is gone
    const { rows } = await h.pool.query(`select count(*)::int as n from "user" where display_name = 'Stranger Danger'`);
    expect(rows[0].n).toBe(0);
  });

  it('`shopiq link --seller … --slack …` lets a Slack user ask about that seller (the operator’s way)', async () => {
    const bad = await runCli(['link', '--seller', userId, '--slack', 'not-an-identity'], cliEnvFor(h.db.url));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--slack expects <team id>:<user id>');
    const ok = await runCli(['link', '--seller', userId, '--slack', `${TEAM}:U8SUPPORT`], cliEnvFor(h.db.url));
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain(`linked: slack ${TEAM}:U8SUPPORT → seller ${userId}`);
    const ts = nextTs();
    await send(dmEvent('U8SUPPORT', 'What were my total sales last month?', ts));
    await vi.waitFor(() => expect(postsTo('DU8SUPPORT', ts)).toHaveLength(1), { timeout: 15_000 });
    expect(tableOf(postsTo('DU8SUPPORT', ts)[0])).toBeDefined();
  });

  it('shows the App Home (connections, next sync in the seller’s time, settings) and its controls change the settings', async () => {
    await app.scheduler.scheduleSeller(userId);
    await send({ type: 'app_home_opened', user: 'U1SELLER', channel: 'DU1SELLER', tab: 'home', event_ts: nextTs() });
    await vi.waitFor(() => expect(slack.of('views.publish').length).toBeGreaterThan(0), { timeout: 10_000 });
    const view = JSON.stringify(slack.of('views.publish').at(-1)?.args.view);
    expect(view).toMatch(/\*Shopify\*/);
    expect(view).toMatch(/Next scheduled sync: \d{4}-\d{2}-\d{2} (02|14):[0-2]\d \(UTC\), twice daily/);
    expect(view).toContain('home_timezone');
    expect(view).toContain('What were my total sales last month?');
    const publishes = slack.of('views.publish').length;
    // the frequency select: the seller's recurring sync moves to that tier, the DM says so, the Home is redrawn
    await postToSlack(
      app.url,
      blockAction('U1SELLER', {
        type: 'static_select',
        action_id: 'home_frequency',
        selected_option: { text: { type: 'plain_text', text: 'daily' }, value: 'daily' },
      }),
      FORM_TYPE,
    );
    await vi.waitFor(() => expect(slack.of('views.publish').length).toBe(publishes + 1), { timeout: 10_000 });
    expect(postsTo('U1SELLER').at(-1)?.args.text).toMatch(/refreshed daily/);
    const { rows } = await h.pool.query('select sync_tier from "user" where id = $1', [userId]);
    expect(rows[0].sync_tier).toBe('daily');
    expect((await app.scheduler.scheduledSyncOf(userId))?.cron).toMatch(/^\d+ 2 \* \* \*$/);
    // a timezone that does not exist: refused, nothing changed
    await postToSlack(
      app.url,
      blockAction('U1SELLER', { type: 'plain_text_input', action_id: 'home_timezone', value: 'Mars/Olympus' }),
      FORM_TYPE,
    );
    await vi.waitFor(() => expect(postsTo('U1SELLER').at(-1)?.args.text).toMatch(/not a timezone I know/), {
      timeout: 10_000,
    });
    // the digest time: set from the Home, its job moves to it, and the DM becomes where it goes
    expect(view).toContain('home_digest');
    await postToSlack(
      app.url,
      blockAction('U1SELLER', { type: 'plain_text_input', action_id: 'home_digest', value: '7:30' }),
      FORM_TYPE,
    );
    await vi.waitFor(
      () => expect(postsTo('U1SELLER').at(-1)?.args.text).toMatch(/Your digest will come here at 07:30/),
      {
        timeout: 10_000,
      },
    );
    // its job prepares it DIGEST_PREPARE_MINUTES (20) ahead
    expect((await app.scheduler.scheduledDigestOf(userId))?.cron).toBe('10 7 * * *');
    const digest = await h.pool.query('select digest_time, digest_address from "user" where id = $1', [userId]);
    expect(digest.rows[0]).toMatchObject({ digest_time: '07:30', digest_address: { channel: 'slack' } });
    // a button under a message ShopIQ sent unasked (an alert's "Mute this") says its command in the DM
    await postToSlack(
      app.url,
      blockAction('U1SELLER', { type: 'button', action_id: 'reply_command_1', value: 'alerts mute stock-low' }),
      FORM_TYPE,
    );
    await vi.waitFor(() => expect(postsTo('U1SELLER').at(-1)?.args.text).toMatch(/Muted: no alerts about low stock/), {
      timeout: 10_000,
    });
    const mutes = await h.pool.query('select alert_mutes from "user" where id = $1', [userId]);
    expect(Object.keys(mutes.rows[0].alert_mutes)).toEqual(['stock_low']);
    // the DM's Messages tab gets the suggested prompts
    await send({
      type: 'app_home_opened',
      user: 'U1SELLER',
      channel: 'DU1SELLER',
      tab: 'messages',
      event_ts: nextTs(),
    });
    await vi.waitFor(() => expect(slack.of('assistant.threads.setSuggestedPrompts')).toHaveLength(1), {
      timeout: 10_000,
    });
    expect(slack.of('assistant.threads.setSuggestedPrompts')[0]?.args.prompts).toHaveLength(4);
  });

  it('answers a message over the length limit politely, and `demo` is refused when no demo runs', async () => {
    const long = nextTs();
    await send(dmEvent('U1SELLER', `What were my sales ${'and more '.repeat(300)}?`, long));
    await vi.waitFor(() => expect(postsTo('DU1SELLER', long)).toHaveLength(1), { timeout: 10_000 });
    expect(markdownOf(postsTo('DU1SELLER', long)[0])).toMatch(/too long for me/);
    const demo = nextTs();
    await send(dmEvent('U1SELLER', 'demo', demo));
    await vi.waitFor(() => expect(postsTo('DU1SELLER', demo)).toHaveLength(1), { timeout: 10_000 });
    expect(markdownOf(postsTo('DU1SELLER', demo)[0])).toMatch(/demo is not running/);
  });

  it('offers a new Slack user the demo store with one word while the demo runs', async () => {
    app.setDemo({ userId, sandboxUrl: sandboxBase });
    try {
      const hello = nextTs();
      await send(dmEvent('U10VISITOR', 'hi', hello));
      await vi.waitFor(() => expect(postsTo('DU10VISITOR', hello)).toHaveLength(1), { timeout: 10_000 });
      expect(markdownOf(postsTo('DU10VISITOR', hello)[0])).toMatch(/Type `demo`/);
      const demo = nextTs();
      await send(dmEvent('U10VISITOR', 'demo', demo));
      await vi.waitFor(() => expect(postsTo('DU10VISITOR', demo)).toHaveLength(1), { timeout: 10_000 });
      expect(markdownOf(postsTo('DU10VISITOR', demo)[0])).toMatch(/now sees the data of the demo store/);
      const ask = nextTs();
      await send(dmEvent('U10VISITOR', 'What were my total sales last month?', ask));
      await vi.waitFor(() => expect(postsTo('DU10VISITOR', ask)).toHaveLength(1), { timeout: 10_000 });
      expect(tableOf(postsTo('DU10VISITOR', ask)[0])).toBeDefined();
    } finally {
      app.setDemo(undefined);
    }
  });

  it('stores a thumbs-down on an answer, only from the person it was for', async () => {
    const ts = nextTs();
    await send(dmEvent('U1SELLER', 'How long will my stock last?', ts));
    await vi.waitFor(() => expect(postsTo('DU1SELLER', ts)).toHaveLength(1), { timeout: 15_000 });
    const feedback = postsTo('DU1SELLER', ts)[0]?.args.blocks.find((b: any) => b.type === 'context_actions');
    const negative = feedback.elements[0].negative_button.value as string;
    const click = (user: string) =>
      postToSlack(
        app.url,
        blockAction(user, { type: 'feedback_buttons', action_id: 'answer_feedback', value: negative }),
        FORM_TYPE,
      );
    expect((await click('U1SELLER')).status).toBe(200);
    expect((await click('U9OUTSIDER')).status).toBe(200);
    await vi.waitFor(async () => {
      const { rows } = await h.pool.query('select identity, rating from chat_feedback where message_id = $1', [
        Number(negative.split(':')[1]),
      ]);
      expect(rows).toEqual([{ identity: `${TEAM}:U1SELLER`, rating: 'down' }]);
    });
  });

  it('acknowledges a link button’s click at once and answers nothing (Slack opens the URL itself)', async () => {
    const posts = slack.of('chat.postMessage').length;
    const click = await postToSlack(
      app.url,
      blockAction('U1SELLER', {
        type: 'button',
        action_id: 'open_link_0',
        url: 'https://shopiq.example.com/oauth/shopify/start?ticket=t',
      }),
      FORM_TYPE,
    );
    expect(click.status).toBe(200);
    await settle();
    expect(slack.of('chat.postMessage')).toHaveLength(posts);
  });
});

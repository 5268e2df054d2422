/**
 * Messages ShopIQ starts itself, by channel: Slack into a thread or the seller's DM
 * (drawn like answers, edited in place, the workspace's own bot token with installs to
 * any workspace, a refusal logged with Slack's code and never thrown), WhatsApp through
 * Twilio under the 24-hour rule, and a terminal chat only while it runs in this process.
 */
import { Writable } from 'node:stream';
import type { Installation } from '@slack/oauth';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { ChatAddress, ChatNotifier } from '../../src/channels/chat-notifier.ts';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { PostgresInstallationStore } from '../../src/channels/slack/slack-installation-store.ts';
import { registerTerminalConversation } from '../../src/channels/terminal/terminal-notifier.ts';
import { type Reply, textReply } from '../../src/conversation/reply.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { seedSeller } from '../support/analytics-seed.ts';
import { mockSlackApi, SIGNING_SECRET, SLACK_API, type SlackApiMock, slackEnv, TEAM } from '../support/slack.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { mockTwilioApi, type TwilioApiMock, twilioEnv } from '../support/twilio.ts';

const NUMBER = '+919845550101';
const PROGRESS: Reply = {
  text: 'Loading Shopify: 120 of about 300 records read.',
  tables: [{ title: 'Read so far', columns: ['stream', 'records'], rows: [['orders', '120']] }],
};

describe('the chat notifier', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let slack: SlackApiMock;
  let twilio: TwilioApiMock;
  const logged: string[] = [];
  const log = createLogger(
    { logLevel: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  const notifierFor = (env: Record<string, string>): ChatNotifier => {
    const config = testConfig({ DATABASE_URL: db.url, ...env });
    return createChatNotifier({ config, db: pool, vault: new TokenVault(resolveKeyring(config, log)), log });
  };
  const slackAddress = (conversationId: string, identity = `${TEAM}:U1SELLER`): ChatAddress => ({
    channel: 'slack',
    conversationId,
    identity,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    slack = mockSlackApi();
    twilio = mockTwilioApi();
  });
  beforeEach(() => {
    slack.calls.length = 0;
    slack.failing.clear();
    twilio.sent.length = 0;
    logged.length = 0;
  });
  afterAll(async () => {
    slack?.done();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('posts into a Slack thread with the bot token, drawn like an answer, and edits it in place', async () => {
    const notifier = notifierFor(slackEnv());
    expect(notifier.editable('slack')).toBe(true);
    const posted = await notifier.post(slackAddress('C0SHOP:1790000000.000100'), PROGRESS);
    const [call] = slack.of('chat.postMessage');
    expect(call?.token).toBe('xoxb-test-token');
    expect(call?.args).toMatchObject({ channel: 'C0SHOP', thread_ts: '1790000000.000100' });
    expect(call?.args.blocks.map((b: any) => b.type)).toEqual(['markdown', 'markdown', 'table']);
    expect(posted?.ref).toMatch(/^\d+\.\d+$/);

    const done = textReply('Loading Shopify: all 300 records read.');
    expect(await notifier.update(posted as NonNullable<typeof posted>, done)).toBe(true);
    const [update] = slack.of('chat.update');
    expect(update?.args).toMatchObject({ channel: 'C0SHOP', ts: posted?.ref, text: done.text });
    expect(update?.args.blocks[0].text).toBe(done.text);
  });

  it('posts a slash command’s conversation into the seller’s DM, and edits it in the DM Slack opened', async () => {
    const notifier = notifierFor(slackEnv());
    const posted = await notifier.post(slackAddress(`direct:${TEAM}:U1SELLER`), textReply('Shopify connected.'));
    expect(slack.of('conversations.open')[0]?.args.users).toBe('U1SELLER');
    expect(slack.of('chat.postMessage')[0]?.args).toMatchObject({ channel: 'DU1SELLER', text: 'Shopify connected.' });
    expect(await notifier.update(posted as NonNullable<typeof posted>, textReply('Shopify loaded.'))).toBe(true);
    expect(slack.of('chat.update')[0]?.args).toMatchObject({ channel: 'DU1SELLER', ts: posted?.ref });
  });

  it('returns nothing, without throwing, when Slack refuses, and logs Slack’s error code', async () => {
    const notifier = notifierFor(slackEnv());
    slack.failing.set('chat.postMessage', 'channel_not_found');
    expect(await notifier.post(slackAddress('C0GONE:1790000000.000200'), textReply('Hello'))).toBeUndefined();
    expect(logged.join('')).toMatch(/"slackError":"channel_not_found"/);
    slack.failing.set('chat.update', 'message_not_found');
    const message = { address: slackAddress('C0GONE:1790000000.000200'), ref: '1790000000.000300' };
    expect(await notifier.update(message, textReply('Hello again'))).toBe(false);
    expect(logged.join('')).toMatch(/"slackError":"message_not_found"/);
  });

  it('with installs to any workspace, speaks with the bot token of the identity’s workspace', async () => {
    const env = {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CLIENT_ID: '1234.5678',
      SLACK_CLIENT_SECRET: 'client-secret-for-tests',
      SLACK_STATE_SECRET: 'state-secret-for-tests-0123',
      SLACK_API_URL: `${SLACK_API}/api/`,
    };
    const config = testConfig({ DATABASE_URL: db.url, ...env });
    const store = new PostgresInstallationStore(pool, new TokenVault(resolveKeyring(config, log)));
    await store.storeInstallation({
      team: { id: 'T2OTHER', name: 'Other' },
      enterprise: undefined,
      user: { id: 'U1INSTALLER', token: undefined, scopes: undefined },
      bot: { id: 'B2', userId: 'UBOT2', token: 'xoxb-other-workspace', scopes: ['chat:write'] },
      isEnterpriseInstall: false,
    } as Installation);
    const notifier = notifierFor(env);
    expect(await notifier.post(slackAddress('C0OTHER:1790000000.000400', 'T2OTHER:U5'), textReply('Hi'))).toBeDefined();
    expect(slack.of('chat.postMessage')[0]?.token).toBe('xoxb-other-workspace');
    // a workspace without an installation: nothing is sent
    expect(await notifier.post(slackAddress('C0NONE:1790000000.000500', 'T9NONE:U5'), textReply('Hi'))).toBeUndefined();
    expect(slack.of('chat.postMessage')).toHaveLength(1);
  });

  it('sends to a WhatsApp number through Twilio’s REST API, inside the 24-hour window; it cannot edit', async () => {
    const seller = await seedSeller(pool, { name: 'asha' });
    await linkIdentity(pool, { channel: 'whatsapp', externalId: NUMBER }, seller.userId);
    await pool.query(`update channel_identity set last_seen_at = now() - interval '1 hour' where external_id = $1`, [
      NUMBER,
    ]);
    const notifier = notifierFor(twilioEnv());
    expect(notifier.editable('whatsapp')).toBe(false);
    const address: ChatAddress = { channel: 'whatsapp', conversationId: NUMBER, identity: NUMBER };
    const posted = await notifier.post(address, PROGRESS);
    expect(posted).toEqual({ address });
    expect(twilio.to(NUMBER)).toHaveLength(1);
    expect(twilio.to(NUMBER)[0]?.Body).toMatch(/^Loading Shopify: 120 of about 300 records read\.\n\n\*Read so far\*/);
    expect(await notifier.update({ address }, textReply('edited'))).toBe(false);

    // outside the window, with no template to send instead: held back, so not delivered
    await pool.query(`update channel_identity set last_seen_at = now() - interval '2 days' where external_id = $1`, [
      NUMBER,
    ]);
    expect(await notifier.post(address, textReply('Later'))).toBeUndefined();
    expect(twilio.to(NUMBER)).toHaveLength(1);
  });

  it('drops a notice for a channel this process has not configured', async () => {
    const notifier = notifierFor({});
    expect(await notifier.post(slackAddress('C0SHOP:1790000000.000600'), textReply('Hi'))).toBeUndefined();
    expect(
      await notifier.post({ channel: 'whatsapp', conversationId: NUMBER, identity: NUMBER }, textReply('Hi')),
    ).toBeUndefined();
    expect(slack.calls).toHaveLength(0);
    expect(twilio.sent).toHaveLength(0);
    expect(logged.join('')).toMatch(/not configured in this process/);
  });

  it('writes to a terminal chat only while it is registered in this process', async () => {
    const notifier = notifierFor({});
    const written: Reply[] = [];
    const address: ChatAddress = { channel: 'terminal', conversationId: 'terminal-test-1', identity: 'local' };
    const unregister = registerTerminalConversation(address.conversationId, (reply) => {
      written.push(reply);
    });
    expect(await notifier.post(address, textReply('Shopify connected.'))).toEqual({ address });
    expect(await notifier.post({ ...address, conversationId: 'terminal-elsewhere' }, textReply('x'))).toBeUndefined();
    unregister();
    expect(await notifier.post(address, textReply('After the chat ended'))).toBeUndefined();
    expect(written.map((r) => r.text)).toEqual(['Shopify connected.']);
    expect(notifier.editable('terminal')).toBe(false);
  });

  it('is built once by the app in every role: a worker posts to Slack too', async () => {
    const app = createApp(testConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...slackEnv() }), { role: 'worker' });
    await app.start();
    try {
      expect(
        await app.notifier.post(slackAddress('C0WORK:1790000000.000700'), textReply('From a worker')),
      ).toBeDefined();
      expect(slack.of('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C0WORK', text: 'From a worker' });
    } finally {
      await app.stop();
    }
  });
});

/**
 * A connection's first sync, told in the chat that connected it (`connect-backfill`
 * against the sandbox): in Slack a progress message edited in place, then what was
 * loaded; on WhatsApp at most one progress message, then the end; a failure said in
 * the seller's words with the next scheduled sync. And a connection whose marketplace
 * stops accepting ShopIQ's access is told once, in the chat the seller last used, with
 * a link to sign in again.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatAddress } from '../../src/channels/chat-notifier.ts';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import type { Config } from '../../src/config/config.ts';
import { saveTokens } from '../../src/connections/connection-tokens.ts';
import type { Marketplace } from '../../src/db/enums.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { JOB_STORES, jobConfig, openScheduler } from '../support/job-harness.ts';
import { sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { mockSlackApi, type SlackApiMock, type SlackCall, slackEnv, TEAM } from '../support/slack.ts';
import { type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';
import { mockTwilioApi, PUBLIC_BASE_URL, type TwilioApiMock, twilioEnv } from '../support/twilio.ts';

const POSTGRES = JOB_STORES[0] as (typeof JOB_STORES)[number];
const PROGRESS = /^Loading Shopify \([\w.-]+\.myshopify\.com\): [\d,]+ (of about [\d,]+ )?records read so far/;
/** Once the orders' count is known (the products come first, uncounted). */
const PROGRESS_OF_TOTAL = /: [\d,]+ of about [\d,]+ records read so far(, (less than a minute|about \d+ min) left)?\.$/;

describe('a connection’s first sync, told in the chat that connected it', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let sandbox: Sandbox;
  let base: string;
  let config: Config;
  let worker: Scheduler;
  let workerPool: pg.Pool;
  let slack: SlackApiMock;
  let twilio: TwilioApiMock;

  beforeAll(async () => {
    h = await harness();
    ({ sandbox, base } = await startSandbox({ seed: 31, sellers: 5, ordersPerStore: 400 }));
    slack = mockSlackApi();
    twilio = mockTwilioApi();
    config = jobConfig(h.db, POSTGRES, { ...slackEnv(), ...twilioEnv() });
    workerPool = new pg.Pool({ connectionString: h.db.url, max: 16 });
    worker = await openScheduler(config, workerPool, { backfillTiming: { updateEveryMs: 40, quietMs: 400 } });
    await worker.work(
      { ...h.deps, pool: workerPool, config },
      createChatNotifier({ ...h.deps, config, db: workerPool }),
    );
  });
  beforeEach(async () => {
    slack.calls.length = 0;
    twilio.sent.length = 0;
    await sandboxAdmin(base, 'faults', {}, 'DELETE');
  });
  afterAll(async () => {
    await worker?.stop(0);
    await (workerPool && closePool(workerPool));
    await sandbox?.close();
    slack?.done();
  });

  async function connectionOf(userId: string, marketplace: Marketplace): Promise<string> {
    const { rows } = await h.pool.query<{ id: string }>(
      'select id from marketplace_connection where user_id = $1 and marketplace = $2',
      [userId, marketplace],
    );
    return rows[0]?.id as string;
  }
  /** Requests the backfill and waits until its job has ended. */
  async function backfill(connectionId: string, announce: ChatAddress): Promise<void> {
    const { jobId, joined } = await worker.requestBackfill(connectionId, announce);
    expect(joined).toBe(false);
    await vi.waitFor(
      async () => {
        const [job] = (await worker.agenda.queryJobs({ id: jobId })).jobs;
        expect(job?.lastFinishedAt && !job.lockedAt && !job.nextRunAt).toBe(true);
      },
      { timeout: 60_000, interval: 100 },
    );
  }
  const ordersOf = async (connectionId: string) =>
    (
      await h.pool.query<{ n: number }>('select count(*)::int as n from unified_order where connection_id = $1', [
        connectionId,
      ])
    ).rows[0]?.n as number;
  const textOf = (call: SlackCall | undefined): string => call?.args.text ?? '';
  const count = (n: number) => n.toLocaleString('en-US');

  it('in a Slack thread: one progress message edited in place, then what was loaded and a question to ask', async () => {
    const seller = await h.connect(base, '1');
    const shopify = await connectionOf(seller, 'shopify');
    // slow enough that progress arrives over several beats
    await sandboxAdmin(base, 'faults', { spec: 'shopify:latency=30' }, 'PUT');
    const thread: ChatAddress = {
      channel: 'slack',
      conversationId: 'C0SHOP:1790000000.000100',
      identity: `${TEAM}:U1SELLER`,
    };
    await backfill(shopify, thread);

    const posts = slack.of('chat.postMessage');
    expect(posts.every((c) => c.args.channel === 'C0SHOP' && c.args.thread_ts === '1790000000.000100')).toBe(true);
    expect(posts).toHaveLength(2);
    expect(textOf(posts[0])).toMatch(PROGRESS);
    const updates = slack.of('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((c) => c.args.channel === 'C0SHOP' && c.args.ts)).toBe(true);
    expect(new Set(updates.map((c) => c.args.ts)).size).toBe(1);
    // while reading: records and the estimated total; at the end: everything read
    expect(textOf(updates.at(-2))).toMatch(PROGRESS);
    expect(updates.some((c) => PROGRESS_OF_TOTAL.test(textOf(c)))).toBe(true);
    expect(textOf(updates.at(-1))).toMatch(/^Loading Shopify \(.+\): [\d,]+ records read\.$/);

    const orders = await ordersOf(shopify);
    expect(orders).toBeGreaterThan(0);
    expect(textOf(posts[1])).toMatch(
      new RegExp(
        `^Shopify \\(.+\\.myshopify\\.com\\) is loaded: ${count(orders)} orders, from \\d+ \\w{3} \\d{4} to \\d+ \\w{3} \\d{4}\\. .*"What were my total sales last month\\?"`,
      ),
    );
  });

  it('on WhatsApp: at most one progress message, and the end', async () => {
    const number = '+919845550202';
    const seller = await h.connect(base, '2');
    await linkIdentity(h.pool, { channel: 'whatsapp', externalId: number }, seller);
    await h.pool.query('update channel_identity set last_seen_at = now() where external_id = $1', [number]);
    const shopify = await connectionOf(seller, 'shopify');
    // a backfill that outlasts the quiet time, with progress all along
    await sandboxAdmin(base, 'faults', { spec: 'shopify:latency=150' }, 'PUT');
    await backfill(shopify, { channel: 'whatsapp', conversationId: number, identity: number });

    const bodies = twilio.to(number).map((m) => m.Body ?? '');
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatch(PROGRESS);
    expect(bodies[1]).toMatch(new RegExp(`is loaded: ${count(await ordersOf(shopify))} orders`));
  });

  it('says what failed, in the seller’s words, and when ShopIQ tries again', async () => {
    const seller = await h.connect(base, '3');
    const flipkart = await connectionOf(seller, 'flipkart');
    await sandboxAdmin(base, 'faults', { spec: 'flipkart:5xx=1' }, 'PUT');
    await backfill(flipkart, {
      channel: 'slack',
      conversationId: `direct:${TEAM}:U3SELLER`,
      identity: `${TEAM}:U3SELLER`,
    });

    const next = (await worker.scheduledSyncOf(seller))?.nextRunAt;
    expect(next).toBeDefined();
    const posts = slack.of('chat.postMessage');
    expect(posts.at(-1)?.args.channel).toBe('DU3SELLER');
    const text = textOf(posts.at(-1));
    expect(text).toMatch(/^Loading Flipkart paused: Flipkart is not answering properly just now\./);
    expect(text).toMatch(/ShopIQ will try again at the next scheduled sync, \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)\.$/);
    expect(text).not.toMatch(/HTTP|50\d|Error/);
  });

  it('tells a connection that needs signing in again once, in the chat last used, with a link', async () => {
    const number = '+919845550404';
    const seller = await h.connect(base, '4');
    await h.sync(seller);
    await linkIdentity(h.pool, { channel: 'slack', externalId: `${TEAM}:U4SELLER` }, seller);
    await linkIdentity(h.pool, { channel: 'whatsapp', externalId: number }, seller);
    await h.pool.query(
      `update channel_identity set last_seen_at = now() - case channel when 'slack' then interval '2 hours'
         else interval '5 minutes' end where user_id = $1`,
      [seller],
    );
    // the shop took the app's access away: the token is refused, and so is its refresh
    const shopify = await connectionOf(seller, 'shopify');
    await saveTokens(h.pool, h.deps.vault, shopify, { accessToken: 'shpat_revoked', refreshToken: 'shprt_revoked' });

    for (let run = 0; run < 2; run++) {
      const request = await worker.requestSync(seller);
      expect(await worker.waitForSync(request, 60_000)).toBe('finished');
    }
    const { rows } = await h.pool.query('select status, reauth_told_at from marketplace_connection where id = $1', [
      shopify,
    ]);
    expect(rows[0].status).toBe('NEEDS_REAUTH');
    expect(rows[0].reauth_told_at).toBeInstanceOf(Date);
    const sent = twilio.to(number);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.Body).toMatch(/^Your Shopify connection \([\w.-]+\.myshopify\.com\) needs you to sign in again/);
    expect(sent[0]?.Body).toMatch(
      new RegExp(`Sign in to Shopify again: ${PUBLIC_BASE_URL}/oauth/shopify/start\\?ticket=[A-Za-z0-9_-]{43}`),
    );
    expect(slack.of('chat.postMessage')).toHaveLength(0);
    // the link's ticket renews that connection and tells the outcome where the notice went
    const tickets = await h.pool.query(
      'select marketplace, account, connection_id, channel, conversation_id from oauth_state where user_id = $1',
      [seller],
    );
    expect(tickets.rows).toEqual([
      {
        marketplace: 'shopify',
        account: expect.stringMatching(/\.myshopify\.com$/),
        connection_id: shopify,
        channel: 'whatsapp',
        conversation_id: number,
      },
    ]);
  });

  it('a backfill whose marketplace refuses access ends with the link to sign in again, in its own conversation', async () => {
    const seller = await h.connect(base, '5');
    await linkIdentity(h.pool, { channel: 'whatsapp', externalId: '+919845550505' }, seller);
    await h.pool.query(`update channel_identity set last_seen_at = now() where user_id = $1`, [seller]);
    const shopify = await connectionOf(seller, 'shopify');
    await saveTokens(h.pool, h.deps.vault, shopify, { accessToken: 'shpat_revoked', refreshToken: 'shprt_revoked' });
    await backfill(shopify, {
      channel: 'slack',
      conversationId: 'C0SHOP:1790000000.000500',
      identity: `${TEAM}:U5SELLER`,
    });

    const posts = slack.of('chat.postMessage').filter((c) => c.args.thread_ts === '1790000000.000500');
    expect(posts).toHaveLength(1);
    expect(textOf(posts[0])).toMatch(/^Your Shopify connection \(.+\) needs you to sign in again: Shopify no longer/);
    const button = posts[0]?.args.blocks.find((b: any) => b.type === 'actions')?.elements[0];
    expect(button.url).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/oauth/shopify/start\\?ticket=`));
    expect(twilio.sent).toHaveLength(0);
  });
});

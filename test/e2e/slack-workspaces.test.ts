/**
 * Installs to any workspace: with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and
 * SLACK_STATE_SECRET (and no bot token), `/slack/install` starts Slack's OAuth,
 * `/slack/oauth_redirect` stores the installation sealed by the token vault, events of
 * that workspace are answered with its own bot token, and `app_uninstalled` deletes it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { SLACK_BOT_SCOPES } from '../../src/channels/slack/slack-app.ts';
import { closePool } from '../../src/db/pool.ts';
import {
  dmEvent,
  eventEnvelope,
  mockSlackApi,
  nextTs,
  postToSlack,
  SIGNING_SECRET,
  SLACK_API,
  type SlackApiMock,
  startWebService,
} from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const OTHER_TEAM = 'T2OTHER';

describe('the Slack app installed to any workspace', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let app: App;
  let slack: SlackApiMock;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    slack = mockSlackApi();
    app = await startWebService(db.url, {
      PUBLIC_BASE_URL: 'https://shopiq.example.com',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CLIENT_ID: '1234.5678',
      SLACK_CLIENT_SECRET: 'client-secret-for-tests',
      SLACK_STATE_SECRET: 'state-secret-for-tests-0123',
      SLACK_API_URL: `${SLACK_API}/api/`,
    });
  });
  afterAll(async () => {
    await app?.stop();
    slack?.done();
    await (pool && closePool(pool));
    await db?.drop();
  });

  async function install(code: string): Promise<Response> {
    const start = await fetch(`${app.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(authorize.origin + authorize.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorize.searchParams.get('scope')?.split(',').sort()).toEqual([...SLACK_BOT_SCOPES].sort());
    expect(authorize.searchParams.get('redirect_uri')).toBe('https://shopiq.example.com/slack/oauth_redirect');
    const state = authorize.searchParams.get('state') ?? '';
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return fetch(`${app.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
      redirect: 'manual',
    });
  }

  it('refuses a callback whose state it did not issue, storing nothing', async () => {
    const res = await fetch(`${app.url}/slack/oauth_redirect?code=stolen&state=made-up`, { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(slack.of('oauth.v2.access')).toHaveLength(0);
    const { rows } = await pool.query('select 1 from slack_installation');
    expect(rows).toHaveLength(0);
  });

  it('installs through OAuth and keeps the bot token sealed', async () => {
    const res = await install('code-1');
    expect(res.status).toBe(200);
    expect(slack.of('oauth.v2.access')).toHaveLength(1);
    const { rows } = await pool.query('select install_key, team_id, installation_sealed from slack_installation');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ install_key: OTHER_TEAM, team_id: OTHER_TEAM });
    expect(rows[0].installation_sealed).toMatch(/^v1\./);
    expect(rows[0].installation_sealed).not.toContain('xoxb-installed-code-1');
  });

  it('answers that workspace with its own bot token', async () => {
    const ts = nextTs();
    await postToSlack(app.url, eventEnvelope(dmEvent('U4THERE', 'help', ts), { team: OTHER_TEAM }), 'application/json');
    await vi.waitFor(
      () => expect(slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toHaveLength(1),
      { timeout: 10_000 },
    );
    const [answer] = slack.of('chat.postMessage').filter((c) => c.args.thread_ts === ts);
    expect(answer?.token).toBe('xoxb-installed-code-1');
  });

  it('forgets the installation when the app is uninstalled', async () => {
    const res = await postToSlack(
      app.url,
      eventEnvelope({ type: 'app_uninstalled', event_ts: nextTs() }, { team: OTHER_TEAM }),
      'application/json',
    );
    expect(res.status).toBe(200);
    await vi.waitFor(async () => {
      const { rows } = await pool.query('select 1 from slack_installation');
      expect(rows).toHaveLength(0);
    });
  });
});

/**
 * Slack for tests: the Web API (plus response_url and the file upload host) mocked
 * with nock, every call recorded with its arguments decoded. Signed requests and
 * Slack's payloads come from slack-payloads.ts (benchmarks use them too), re-exported.
 */
import nock from 'nock';
import { type App, createApp } from '../../src/app.ts';
import {
  BOT_USER,
  decodeSlackApiBody,
  SIGNING_SECRET,
  SLACK_HOOKS,
  type SlackUserProfile,
  slackApiAnswer,
} from './slack-payloads.ts';

import { testConfig } from './test-config.ts';

export * from './slack-payloads.ts';

export const SLACK_API = 'https://slack.test';
export const SLACK_FILES = 'https://files.slack.test';

export const slackEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_API_URL: `${SLACK_API}/api/`,
  ...extra,
});

/** The service (its web role unless told) on a test database, with the settings given (Slack's among them), started. */
export async function startWebService(
  databaseUrl: string,
  env: Record<string, string>,
  role: 'web' | 'all' = 'web',
): Promise<App> {
  const app = createApp(testConfig({ DATABASE_URL: databaseUrl, ...env }), { role });
  await app.start();
  return app;
}

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  /** The bearer token the call was made with. */
  token?: string;
}

export interface SlackApiMock {
  calls: SlackCall[];
  /** The calls of one method, in order. */
  of(method: string): SlackCall[];
  /** What Slack's users.info tells of each user (timezone, name). */
  users: Map<string, SlackUserProfile>;
  /** Methods that answer { ok: false, error } instead. */
  failing: Map<string, string>;
  /** Delay of users.info answers, ms. */
  usersInfoDelayMs: number;
  /** Where apps.connections.open sends a Socket Mode client. */
  socketUrl: string | undefined;
  done(): void;
}

function answer(method: string, args: Record<string, any>, mock: SlackApiMock): Record<string, unknown> {
  const failure = mock.failing.get(method);
  if (failure) return { ok: false, error: failure };
  switch (method) {
    case 'oauth.v2.access':
      return {
        ok: true,
        app_id: 'A0SHOPIQ',
        authed_user: { id: 'U1INSTALLER' },
        scope: 'chat:write,commands',
        token_type: 'bot',
        access_token: `xoxb-installed-${args.code}`,
        bot_user_id: BOT_USER,
        team: { id: 'T2OTHER', name: 'Other Workspace' },
        enterprise: null,
        is_enterprise_install: false,
      };
    case 'apps.connections.open':
      return mock.socketUrl ? { ok: true, url: mock.socketUrl } : { ok: false, error: 'invalid_auth' };
    default:
      return slackApiAnswer(method, args, { filesBase: SLACK_FILES, users: mock.users });
  }
}

export function mockSlackApi(): SlackApiMock {
  const mock: SlackApiMock = {
    calls: [],
    of: (method) => mock.calls.filter((c) => c.method === method),
    users: new Map(),
    failing: new Map(),
    usersInfoDelayMs: 0,
    socketUrl: undefined,
    done: () => nock.cleanAll(),
  };
  nock(SLACK_API)
    .persist()
    .post(/^\/api\/.+/)
    .reply(async (request: Request) => {
      const method = new URL(request.url).pathname.replace(/^\/api\//, '');
      const args = decodeSlackApiBody(await request.text());
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? args.token;
      mock.calls.push({ method, args, token });
      if (method === 'users.info' && mock.usersInfoDelayMs)
        await new Promise((r) => setTimeout(r, mock.usersInfoDelayMs));
      return [200, answer(method, args, mock), { 'content-type': 'application/json' }];
    });
  nock(SLACK_FILES)
    .persist()
    .post(/^\/upload\/v1\/.+/)
    .reply(async (request: Request) => {
      const bytes = (await request.arrayBuffer()).byteLength;
      mock.calls.push({ method: 'file-upload', args: { uri: request.url, bytes } });
      return [200, 'OK'];
    });
  nock(SLACK_HOOKS)
    .persist()
    .post(/^\/commands\/.+/)
    .reply(async (request: Request) => {
      mock.calls.push({
        method: 'response_url',
        args: { uri: request.url, ...decodeSlackApiBody(await request.text()) },
      });
      return [200, 'ok'];
    });
  return mock;
}

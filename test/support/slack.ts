/**
 * Slack for tests: the Web API (plus response_url and the file upload host) mocked
 * with nock, every call recorded with its arguments decoded. Signed requests and
 * Slack's payloads come from slack-payloads.ts (benchmarks use them too), re-exported.
 */
import nock from 'nock';
import {
  decodeSlackApiBody,
  SIGNING_SECRET,
  SLACK_HOOKS,
  type SlackUserProfile,
  slackApiAnswer,
} from './slack-payloads.ts';

export * from './slack-payloads.ts';

export const SLACK_API = 'https://slack.test';
export const SLACK_FILES = 'https://files.slack.test';

export const slackEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_API_URL: `${SLACK_API}/api/`,
  ...extra,
});

export interface SlackCall {
  method: string;
  args: Record<string, any>;
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
  done(): void;
}

function answer(method: string, args: Record<string, any>, mock: SlackApiMock): Record<string, unknown> {
  const failure = mock.failing.get(method);
  if (failure) return { ok: false, error: failure };
  return slackApiAnswer(method, args, { filesBase: SLACK_FILES, users: mock.users });
}

export function mockSlackApi(): SlackApiMock {
  const mock: SlackApiMock = {
    calls: [],
    of: (method) => mock.calls.filter((c) => c.method === method),
    users: new Map(),
    failing: new Map(),
    usersInfoDelayMs: 0,
    done: () => nock.cleanAll(),
  };
  nock(SLACK_API)
    .persist()
    .post(/^\/api\/.+/)
    .reply(async (request: Request) => {
      const method = new URL(request.url).pathname.replace(/^\/api\//, '');
      const args = decodeSlackApiBody(await request.text());
      mock.calls.push({ method, args });
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

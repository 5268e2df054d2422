/**
 * Slack's side of the wire, without any mocking (tests and benchmarks share it):
 * requests signed as Slack signs them (v0 HMAC over the raw body), payloads in
 * Slack's own shapes, and how the Web API decodes a call and answers it.
 */
import { createHmac } from 'node:crypto';

export const SLACK_HOOKS = 'https://hooks.slack.test';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const TEAM = 'T0SHOPIQ';
export const BOT_USER = 'UBOTSHOPIQ';

/** What users.info tells of a user. */
export interface SlackUserProfile {
  tz: string;
  real_name: string;
}

let streamTs = 0;

/** Slack's successful answer to a Web API call; uploads go to `filesBase`. */
export function slackApiAnswer(
  method: string,
  args: Record<string, any>,
  context: { filesBase: string; users?: Map<string, SlackUserProfile> },
): Record<string, unknown> {
  switch (method) {
    case 'auth.test':
      return { ok: true, user_id: BOT_USER, bot_id: 'BSHOPIQ', team_id: TEAM, url: 'https://shopiq-test.slack.com/' };
    case 'users.info': {
      const user = context.users?.get(args.user) ?? { tz: 'UTC', real_name: 'Someone' };
      return { ok: true, user: { id: args.user, name: user.real_name.toLowerCase(), ...user } };
    }
    case 'chat.postMessage':
    case 'chat.startStream':
      return { ok: true, channel: args.channel, ts: `1800000000.${String(++streamTs).padStart(6, '0')}` };
    case 'files.getUploadURLExternal':
      return { ok: true, upload_url: `${context.filesBase}/upload/v1/F${streamTs}`, file_id: `F${streamTs}` };
    case 'files.completeUploadExternal':
      return { ok: true, files: (args.files ?? []).map((f: { id: string }) => ({ id: f.id })) };
    case 'conversations.open':
      return { ok: true, channel: { id: `D${args.users}` } };
    default:
      return { ok: true };
  }
}

/** Decodes a Web API request body: form fields, with JSON-valued ones (blocks, files) parsed. */
export function decodeSlackApiBody(body: string): Record<string, any> {
  if (body.startsWith('{')) return JSON.parse(body);
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

/** Headers Slack sends with a request: its signature of `v0:{timestamp}:{body}`. */
export function slackSignature(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

/** POSTs a body to /slack/events signed (or with the headers given instead). */
export function postToSlack(
  baseUrl: string,
  body: string,
  contentType: string,
  headers: Record<string, string> = slackSignature(body),
): Promise<Response> {
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
}

let eventCounter = 0;
export interface EventOptions {
  eventId?: string;
  team?: string;
}

/** An Events API envelope around `event`, as Slack delivers it. */
export function eventEnvelope(event: Record<string, unknown>, options: EventOptions = {}): string {
  return JSON.stringify({
    token: 'verification-token-unused',
    team_id: options.team ?? TEAM,
    api_app_id: 'A0SHOPIQ',
    event,
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${Date.now()}${++eventCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: options.team ?? TEAM,
        user_id: BOT_USER,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: '4-eyJldCI6Im1lc3NhZ2UifQ',
  });
}

export const nextTs = () => `1790000000.${String(++eventCounter).padStart(6, '0')}`;

/** A DM from `user` to the app (`message.im`). */
export function dmEvent(user: string, text: string, ts = nextTs(), extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    channel: `D${user}`,
    user,
    text,
    ts,
    event_ts: ts,
    channel_type: 'im',
    team: TEAM,
    client_msg_id: `msg-${ts}`,
    blocks: [
      {
        type: 'rich_text',
        block_id: 'b1',
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }],
      },
    ],
    ...extra,
  };
}

/** `app_mention` in a channel. */
export function mentionEvent(user: string, channel: string, text: string, ts = nextTs()) {
  return { type: 'app_mention', user, text: `<@${BOT_USER}> ${text}`, ts, event_ts: ts, channel, team: TEAM };
}

/** A slash command as Slack posts it (form-encoded). */
export function slashCommand(user: string, text: string, triggerId = `${Date.now()}.${++eventCounter}.abcdef`): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: TEAM,
    team_domain: 'shopiq-test',
    channel_id: `D${user}`,
    channel_name: 'directmessage',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/shopiq',
    text,
    api_app_id: 'A0SHOPIQ',
    is_enterprise_install: 'false',
    response_url: `${SLACK_HOOKS}/commands/${TEAM}/${eventCounter}/secret`,
    trigger_id: triggerId,
  }).toString();
}

/** A block action (a button click) as Slack posts it: form-encoded `payload`. */
export function blockAction(user: string, action: Record<string, unknown>, container: Record<string, unknown> = {}) {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0SHOPIQ',
      token: 'verification-token-unused',
      container,
      trigger_id: `${Date.now()}.${++eventCounter}.trigger`,
      team: { id: TEAM, domain: 'shopiq-test' },
      is_enterprise_install: false,
      actions: [{ action_ts: `${Date.now() / 1000}`, block_id: 'b', ...action }],
    }),
  }).toString();
}

/**
 * The Slack request check ShopIQ relies on (Bolt's, which the receiver runs on every
 * delivery) and the signer the tests and the benchmark use, against the vector Slack
 * publishes ("Verifying requests from Slack"): they agree with Slack, and a changed
 * byte, another secret or an old timestamp fail.
 */
import { isValidSlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slackSignature } from '../support/slack.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const check = (body: string, signature: string, secret = SECRET, nowMilliseconds = TIMESTAMP * 1000 + 1000) =>
  isValidSlackRequest({
    signingSecret: secret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': TIMESTAMP },
    nowMilliseconds,
  });

describe('Slack request signatures', () => {
  it('match Slack’s published example', () => {
    expect(slackSignature(BODY, TIMESTAMP, SECRET)['x-slack-signature']).toBe(SIGNATURE);
    expect(check(BODY, SIGNATURE)).toBe(true);
  });

  it('fail for one changed byte, another secret, or a timestamp over 5 minutes old', () => {
    expect(check(BODY.replace('roadrunner', 'roadrunnes'), SIGNATURE)).toBe(false);
    expect(check(BODY, SIGNATURE, 'another-secret')).toBe(false);
    expect(check(BODY, SIGNATURE, SECRET, (TIMESTAMP + 301) * 1000)).toBe(false);
  });
});

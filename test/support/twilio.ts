/**
 * WhatsApp through Twilio for tests: webhooks signed as Twilio signs them (for the
 * public URL the service was given), with Twilio's parameter names, and its REST API
 * mocked with nock, every message ShopIQ sends recorded.
 */
import nock from 'nock';
import twilio from 'twilio';

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const AUTH_TOKEN = 'test-twilio-auth-token';
export const WHATSAPP_FROM = 'whatsapp:+14155238886';
export const PUBLIC_BASE_URL = 'https://shopiq.example.com';
export const FOLLOW_UP_TEMPLATE = `HX${'a'.repeat(32)}`;

export const twilioEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_WHATSAPP_FROM: WHATSAPP_FROM,
  PUBLIC_BASE_URL,
  ...extra,
});

export interface SentMessage {
  To: string;
  From: string;
  Body?: string;
  MediaUrl?: string;
  ContentSid?: string;
  ContentVariables?: string;
  StatusCallback?: string;
}

export interface TwilioApiMock {
  sent: SentMessage[];
  /** Messages to one number, in the order sent. */
  to(number: string): SentMessage[];
  /** Twilio error code free-text messages are refused with (63016: outside the 24-hour window), until cleared. */
  refuseFreeText: number | undefined;
}

export function mockTwilioApi(host = 'https://api.twilio.com'): TwilioApiMock {
  const mock: TwilioApiMock = {
    sent: [],
    to: (number) => mock.sent.filter((m) => m.To === `whatsapp:${number}`),
    refuseFreeText: undefined,
  };
  let n = 0;
  nock(host)
    .persist()
    .post(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`)
    .reply(async (request: Request) => {
      const params = Object.fromEntries(new URLSearchParams(await request.text())) as unknown as SentMessage;
      if (mock.refuseFreeText && !params.ContentSid) {
        return [400, { code: mock.refuseFreeText, message: 'Twilio refused the message', status: 400, more_info: '' }];
      }
      mock.sent.push(params);
      return [201, { sid: `SM${String(++n).padStart(32, '0')}`, status: 'queued', to: params.To, from: params.From }];
    });
  return mock;
}

let sids = 0;

/** The parameters Twilio posts for an incoming WhatsApp message. */
export function inboundMessage(
  number: string,
  body: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SmsMessageSid: `SM${Date.now()}${++sids}`,
    NumMedia: '0',
    ProfileName: 'Asha',
    MessageType: 'text',
    SmsSid: `SM${Date.now()}${sids}`,
    WaId: number.replace(/^\+/, ''),
    SmsStatus: 'received',
    Body: body,
    To: WHATSAPP_FROM,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: `SM${Date.now()}${sids}`,
    AccountSid: ACCOUNT_SID,
    From: `whatsapp:${number}`,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

/** POSTs a webhook to `path` of the service, signed for the public URL (or with the signature given). */
export function postToTwilioWebhook(
  serviceUrl: string,
  path: string,
  params: Record<string, string>,
  signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, params),
): Promise<Response> {
  return fetch(`${serviceUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

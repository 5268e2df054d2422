/**
 * Twilio's side of the wire for WhatsApp, without any mocking (tests and benchmarks
 * share it): webhooks signed as Twilio signs them (for the public URL the service was
 * given), with Twilio's parameter names, and how its REST API answers a message sent.
 */
import twilio from 'twilio';

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const AUTH_TOKEN = 'test-twilio-auth-token';
export const WHATSAPP_FROM = 'whatsapp:+14155238886';
export const PUBLIC_BASE_URL = 'https://shopiq.example.com';
export const FOLLOW_UP_TEMPLATE = `HX${'a'.repeat(32)}`;
/** Where the REST API takes a message, under TWILIO_BASE_URL. */
export const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

export const twilioEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_WHATSAPP_FROM: WHATSAPP_FROM,
  PUBLIC_BASE_URL,
  ...extra,
});

/** The parameters of a message ShopIQ sends through the REST API. */
export interface SentMessage {
  To: string;
  From: string;
  Body?: string;
  MediaUrl?: string;
  ContentSid?: string;
  ContentVariables?: string;
  StatusCallback?: string;
}

let outbound = 0;

/** Twilio's 201 answer to a message taken. */
export function messageCreated(params: SentMessage): Record<string, string> {
  return { sid: `SM${String(++outbound).padStart(32, '0')}`, status: 'queued', to: params.To, from: params.From };
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

/** `X-Twilio-Signature` of a webhook to `path`, for the public URL (the service's PUBLIC_BASE_URL). */
export const twilioSignature = (
  path: string,
  params: Record<string, string>,
  publicBaseUrl = PUBLIC_BASE_URL,
): string => twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${publicBaseUrl}${path}`, params);

/**
 * POSTs a webhook to `path` of the service, signed for its public URL (`publicBaseUrl`,
 * PUBLIC_BASE_URL unless told), or with the signature given.
 */
export function postToTwilioWebhook(
  serviceUrl: string,
  path: string,
  params: Record<string, string>,
  { signature, publicBaseUrl }: { signature?: string | undefined; publicBaseUrl?: string } = {},
): Promise<Response> {
  return fetch(`${serviceUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature ?? twilioSignature(path, params, publicBaseUrl),
    },
    body: new URLSearchParams(params).toString(),
  });
}

/**
 * WhatsApp through Twilio for tests: the webhooks and parameters of
 * `twilio-payloads.ts`, and Twilio's REST API mocked with nock, every message ShopIQ
 * sends recorded.
 */
import nock from 'nock';
import { MESSAGES_PATH, messageCreated, type SentMessage } from './twilio-payloads.ts';

export {
  ACCOUNT_SID,
  AUTH_TOKEN,
  FOLLOW_UP_TEMPLATE,
  inboundMessage,
  PUBLIC_BASE_URL,
  postToTwilioWebhook,
  type SentMessage,
  twilioEnv,
  WHATSAPP_FROM,
} from './twilio-payloads.ts';

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
  nock(host)
    .persist()
    .post(MESSAGES_PATH)
    .reply(async (request: Request) => {
      const params = Object.fromEntries(new URLSearchParams(await request.text())) as unknown as SentMessage;
      if (mock.refuseFreeText && !params.ContentSid) {
        return [400, { code: mock.refuseFreeText, message: 'Twilio refused the message', status: 400, more_info: '' }];
      }
      mock.sent.push(params);
      return [201, messageCreated(params)];
    });
  return mock;
}

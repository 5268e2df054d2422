/**
 * Twilio's REST client as ShopIQ uses it. twilio 6 has no base-URL option (a region or
 * edge only renames the host), but it takes any request client: this one sends what
 * would go to https://api.twilio.com to `TWILIO_BASE_URL` instead (a stand-in, a test
 * server), through twilio's own client (its auth, its error shapes).
 */
import twilio from 'twilio';
import type { TwilioConfig } from '../../config/config.ts';

export type TwilioRest = ReturnType<typeof twilio>;

const TWILIO_API = /^https:\/\/api\.twilio\.com/;

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

class RedirectedRequestClient extends twilio.RequestClient {
  readonly #base: string;

  constructor(base: string) {
    super({ timeout: 15_000 });
    this.#base = base;
  }

  override request<TData>(opts: RequestOptions & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_API, this.#base) });
  }
}

export function twilioRest(config: TwilioConfig): TwilioRest {
  return twilio(config.accountSid, config.authToken, {
    ...(config.baseUrl ? { httpClient: new RedirectedRequestClient(config.baseUrl) } : {}),
  });
}

/**
 * Twilio's `X-Twilio-Signature` check: base64 HMAC-SHA1, keyed with the auth token, of
 * the full public URL followed by every POST parameter (name and value) sorted by name.
 * The URL is the one Twilio was given (PUBLIC_BASE_URL + path), never the one this
 * process sees behind a proxy.
 */
export function validTwilioSignature(
  authToken: string,
  signature: string | undefined,
  publicUrl: string,
  params: Record<string, string>,
): boolean {
  return signature !== undefined && twilio.validateRequest(authToken, signature, publicUrl, params);
}

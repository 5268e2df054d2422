/**
 * Flipkart's OAuth service: the self-access grant (client credentials of the seller's
 * own app), the authorization-code grant of a third-party app, and the refresh. Every
 * call authenticates the app with HTTP Basic; tokens live about 60 days.
 */
import { z } from 'zod';
import type { ConnectionTokens } from '../../connections/connection-tokens.ts';
import type { ApiStats } from '../api-stats.ts';
import { MarketplaceError, refusedMeansRevoked } from '../marketplace-error.ts';
import { MarketplaceHttp } from '../marketplace-http.ts';
import { FLIPKART_SCOPE, type FlipkartApp } from './flipkart-app.ts';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

export function authorizeUrl(app: FlipkartApp, input: { state: string; redirectUri: string }): string {
  const url = new URL(`${app.baseUrl}/oauth-service/oauth/authorize`);
  url.searchParams.set('client_id', app.appId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', FLIPKART_SCOPE);
  url.searchParams.set('state', input.state);
  return url.toString();
}

export class FlipkartOAuth {
  readonly #app: FlipkartApp;
  readonly #http: MarketplaceHttp;

  constructor(app: FlipkartApp, stats: ApiStats) {
    this.#app = app;
    this.#http = new MarketplaceHttp({ marketplace: 'flipkart', baseURL: app.baseUrl, timeoutMs: 30_000, stats });
  }

  /** Self-access: the seller's own app id and secret, no browser step. */
  clientCredentials(credentials: { appId: string; appSecret: string }): Promise<ConnectionTokens> {
    return this.#token({ grant_type: 'client_credentials', scope: FLIPKART_SCOPE }, credentials);
  }

  exchangeCode(code: string, redirectUri: string, state: string): Promise<ConnectionTokens> {
    return this.#token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, state });
  }

  /** A refresh that is refused means the seller must connect again. */
  async refresh(refreshToken: string): Promise<ConnectionTokens> {
    const next = await refusedMeansRevoked(
      'flipkart',
      this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    );
    // Flipkart keeps the refresh token when it does not send a new one
    return { ...next, refreshToken: next.refreshToken ?? refreshToken };
  }

  async #token(
    params: Record<string, string>,
    client: { appId: string; appSecret: string } = this.#app,
  ): Promise<ConnectionTokens> {
    const { data } = await this.#http.request({
      method: 'GET',
      url: '/oauth-service/oauth/token',
      params,
      auth: { username: client.appId, password: client.appSecret },
    });
    const parsed = tokenResponse.safeParse(data);
    if (!parsed.success) throw new MarketplaceError('flipkart', 'unknown', 'Flipkart answered the token request oddly');
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: t.expires_in ? new Date(Date.now() + t.expires_in * 1000) : undefined,
    };
  }
}

/**
 * Selling-partner authorization (website flow) and Login with Amazon tokens: the
 * consent URL, the exchange of `spapi_oauth_code` (valid 5 minutes) and the refresh of
 * 1-hour access tokens. The refresh token does not rotate.
 */
import { z } from 'zod';
import type { ConnectionTokens } from '../../connections/connection-tokens.ts';
import type { ApiStats } from '../api-stats.ts';
import { MarketplaceError, refusedMeansRevoked } from '../marketplace-error.ts';
import { MarketplaceHttp } from '../marketplace-http.ts';
import type { AmazonApp } from './amazon-app.ts';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive().optional(),
  token_type: z.string().optional(),
});

export function consentUrl(
  app: AmazonApp,
  input: { marketplaceId: string; state: string; redirectUri: string },
): string {
  const url = new URL(`${app.consentUrl(input.marketplaceId)}/apps/authorize/consent`);
  url.searchParams.set('application_id', app.applicationId);
  url.searchParams.set('state', input.state);
  url.searchParams.set('redirect_uri', input.redirectUri);
  return url.toString();
}

export class AmazonOAuth {
  readonly #app: AmazonApp;
  readonly #http: MarketplaceHttp;

  constructor(app: AmazonApp, stats: ApiStats) {
    this.#app = app;
    this.#http = new MarketplaceHttp({ marketplace: 'amazon', baseURL: app.lwaBaseUrl, timeoutMs: 30_000, stats });
  }

  exchangeCode(code: string, redirectUri: string): Promise<ConnectionTokens> {
    return this.#token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  async refresh(refreshToken: string): Promise<ConnectionTokens> {
    const next = await refusedMeansRevoked(
      'amazon',
      this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    );
    return { ...next, refreshToken: next.refreshToken ?? refreshToken };
  }

  async #token(params: Record<string, string>): Promise<ConnectionTokens> {
    const form = new URLSearchParams({
      ...params,
      client_id: this.#app.clientId,
      client_secret: this.#app.clientSecret,
    });
    const { data } = await this.#http.request({
      method: 'POST',
      url: '/auth/o2/token',
      data: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const parsed = tokenResponse.safeParse(data);
    if (!parsed.success) throw new MarketplaceError('amazon', 'unknown', 'Login with Amazon answered oddly');
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: t.expires_in ? new Date(Date.now() + t.expires_in * 1000) : undefined,
    };
  }
}

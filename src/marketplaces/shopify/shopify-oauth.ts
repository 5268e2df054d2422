/**
 * Shopify's authorization-code grant: the URL the seller approves the app at, the
 * callback's HMAC check, the code exchange (asking for an expiring offline token with
 * a rotating refresh token), the refresh, and the revocation (uninstalling the app).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ConnectionTokens } from '../../connections/connection-tokens.ts';
import type { ApiStats } from '../api-stats.ts';
import { MarketplaceError, refusedMeansRevoked } from '../marketplace-error.ts';
import { MarketplaceHttp } from '../marketplace-http.ts';
import { SHOP_DOMAIN, SHOPIFY_SCOPES, type ShopifyApp } from './shopify-app.ts';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  scope: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});

export interface ShopifyGrant extends ConnectionTokens {
  scopes: string[];
}

export function authorizeUrl(
  app: ShopifyApp,
  input: { shop: string; state: string; redirectUri: string; scopes?: string[] },
): string {
  const url = new URL(`${app.shopUrl(input.shop)}/admin/oauth/authorize`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('scope', (input.scopes ?? SHOPIFY_SCOPES).join(','));
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

/** The callback's `hmac`: hex HMAC-SHA256 of the other parameters sorted as `k=v&…`, compared in constant time. */
export function verifyCallbackHmac(query: Record<string, string>, secret: string): boolean {
  const given = query.hmac ?? '';
  const message = Object.keys(query)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort()
    .map((k) => `${k}=${query[k]}`)
    .join('&');
  const expected = createHmac('sha256', secret).update(message).digest('hex');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * The OAuth callback: checks the HMAC, the shop domain and the state this flow
 * issued, then exchanges the code. Anything off is refused before any token is asked for.
 */
export async function completeAuthorization(
  app: ShopifyApp,
  stats: ApiStats,
  callback: Record<string, string>,
  expected: { state: string; shop: string },
): Promise<ShopifyGrant & { shop: string }> {
  const refuse = (why: string) =>
    new MarketplaceError('shopify', 'auth_revoked', `Shopify authorization refused: ${why}`);
  if (!verifyCallbackHmac(callback, app.clientSecret)) throw refuse('the callback signature (hmac) does not match');
  const shop = callback.shop ?? '';
  if (!SHOP_DOMAIN.test(shop) || shop !== expected.shop) throw refuse(`unexpected shop "${shop}"`);
  const state = callback.state ?? '';
  if (state.length !== expected.state.length || !timingSafeEqual(Buffer.from(state), Buffer.from(expected.state))) {
    throw refuse('the state does not match this authorization');
  }
  if (!callback.code) throw refuse('no authorization code');
  return { ...(await new ShopifyOAuth(app, stats).exchangeCode(shop, callback.code)), shop };
}

export class ShopifyOAuth {
  readonly #app: ShopifyApp;
  readonly #stats: ApiStats;

  constructor(app: ShopifyApp, stats: ApiStats) {
    this.#app = app;
    this.#stats = stats;
  }

  exchangeCode(shop: string, code: string): Promise<ShopifyGrant> {
    return this.#token(shop, { code, expiring: 1 });
  }

  /** Refresh tokens rotate: the grant returned carries the one to use next time. */
  refresh(shop: string, refreshToken: string): Promise<ShopifyGrant> {
    return refusedMeansRevoked(
      'shopify',
      this.#token(shop, { grant_type: 'refresh_token', refresh_token: refreshToken }),
    );
  }

  /**
   * Uninstalls the app from the shop: this token and every other one of the app for the
   * shop stop working. A token that already does not work is refused (auth_revoked).
   */
  async revoke(shop: string, accessToken: string): Promise<void> {
    await this.#http(shop).request({
      method: 'DELETE',
      url: '/admin/api_permissions/current.json',
      headers: { 'x-shopify-access-token': accessToken },
    });
  }

  async #token(shop: string, body: Record<string, unknown>): Promise<ShopifyGrant> {
    const { data } = await this.#http(shop).request({
      method: 'POST',
      url: '/admin/oauth/access_token',
      data: { client_id: this.#app.clientId, client_secret: this.#app.clientSecret, ...body },
      headers: { 'content-type': 'application/json' },
    });
    const parsed = tokenResponse.safeParse(data);
    if (!parsed.success) throw new MarketplaceError('shopify', 'unknown', 'Shopify answered the token request oddly');
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: t.expires_in ? new Date(Date.now() + t.expires_in * 1000) : undefined,
      scopes: (t.scope ?? '').split(',').filter(Boolean),
    };
  }

  #http(shop: string): MarketplaceHttp {
    if (!SHOP_DOMAIN.test(shop)) throw new MarketplaceError('shopify', 'not_found', `not a shop domain: ${shop}`);
    return new MarketplaceHttp({
      marketplace: 'shopify',
      baseURL: this.#app.shopUrl(shop),
      timeoutMs: 30_000,
      stats: this.#stats,
    });
  }
}

/** The Flipkart OAuth client against the sandbox's OAuth service, over loopback. */
import { describe, expect, it } from 'vitest';
import { emptyStats } from '../../src/marketplaces/api-stats.ts';
import { flipkartApp } from '../../src/marketplaces/flipkart/flipkart-app.ts';
import { authorizeUrl, FlipkartOAuth } from '../../src/marketplaces/flipkart/flipkart-oauth.ts';
import { approveConsent, json, useSandboxes } from '../support/sandbox.ts';
import { testConfig } from '../support/test-config.ts';

const sandboxes = useSandboxes('');

async function canReadShipments(base: string, token: string): Promise<number> {
  const response = await fetch(`${base}/flipkart/sellers/v3/shipments/filter`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filter: { type: 'postDispatch', states: ['DELIVERED'] }, pagination: { pageSize: 1 } }),
  });
  return response.status;
}

describe('Flipkart OAuth', () => {
  it('self-access: the seller’s own app gets a token by client credentials', async () => {
    const { base } = await sandboxes();
    const stores = await json(fetch(`${base}/_sandbox/stores`));
    const store = stores.stores.find((s: any) => s.marketplace === 'flipkart');
    const oauth = new FlipkartOAuth(flipkartApp(testConfig(), base), emptyStats());
    const tokens = await oauth.clientCredentials(store.selfAccess);
    expect(tokens.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 30 * 86_400_000);
    expect(await canReadShipments(base, tokens.accessToken)).toBe(200);
    await expect(oauth.clientCredentials({ appId: store.selfAccess.appId, appSecret: 'wrong' })).rejects.toMatchObject({
      kind: 'auth_revoked',
      status: 401,
    });
  });

  it('third-party app: authorization code, exchange, refresh; a bad refresh token is auth_revoked', async () => {
    const { base } = await sandboxes();
    const app = flipkartApp(testConfig(), base);
    const redirectUri = 'http://127.0.0.1:1/oauth/flipkart/callback';
    const approved = await approveConsent(authorizeUrl(app, { state: 's-1', redirectUri }));
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get('location') ?? '');
    expect(callback.searchParams.get('state')).toBe('s-1');
    const oauth = new FlipkartOAuth(app, emptyStats());
    const tokens = await oauth.exchangeCode(callback.searchParams.get('code') ?? '', redirectUri, 's-1');
    expect(tokens.refreshToken).toBeTruthy();
    expect(await canReadShipments(base, tokens.accessToken)).toBe(200);
    const refreshed = await oauth.refresh(tokens.refreshToken as string);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(await canReadShipments(base, refreshed.accessToken)).toBe(200);
    await expect(oauth.refresh('not-a-refresh-token')).rejects.toMatchObject({ kind: 'auth_revoked' });
  });
});

/** Amazon seller authorization and Login with Amazon against the sandbox, over loopback. */
import { describe, expect, it } from 'vitest';
import { AMAZON_MARKETPLACES, amazonApp, amazonRegionOf } from '../../src/marketplaces/amazon/amazon-app.ts';
import { AmazonOAuth, consentUrl } from '../../src/marketplaces/amazon/amazon-oauth.ts';
import { emptyStats } from '../../src/marketplaces/api-stats.ts';
import { approveConsent, json, useSandboxes } from '../support/sandbox.ts';
import { testConfig } from '../support/test-config.ts';

const sandboxes = useSandboxes('');

describe('Amazon authorization', () => {
  it('consent, code exchange and refresh give tokens the Orders API takes; a bad refresh token is auth_revoked', async () => {
    const { base } = await sandboxes();
    const stores = await json(fetch(`${base}/_sandbox/stores`));
    const store = stores.stores.find((s: any) => s.marketplace === 'amazon');
    const app = amazonApp(testConfig(), base);
    const redirectUri = 'http://127.0.0.1:1/oauth/amazon/callback';
    const url = new URL(consentUrl(app, { marketplaceId: store.amazonMarketplace.id, state: 'st', redirectUri }));
    url.searchParams.set('seller', store.accountId);
    const consent = await approveConsent(url);
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get('location') ?? '').searchParams;
    expect(callback.get('state')).toBe('st');
    expect(callback.get('selling_partner_id')).toBe(store.accountId);

    const oauth = new AmazonOAuth(app, emptyStats());
    const tokens = await oauth.exchangeCode(callback.get('spapi_oauth_code') ?? '', redirectUri);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt?.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const orders = (token: string) =>
      fetch(
        `${app.spApiUrl('na')}/orders/2026-01-01/orders?marketplaceIds=${store.amazonMarketplace.id}&createdAfter=2026-10-01T00:00:00Z`,
        { headers: { 'x-amz-access-token': token } },
      );
    expect((await orders(tokens.accessToken)).status).toBe(200);
    const refreshed = await oauth.refresh(tokens.refreshToken as string);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect((await orders(refreshed.accessToken)).status).toBe(200);
    await expect(oauth.refresh('Atzr|bogus')).rejects.toMatchObject({ kind: 'auth_revoked' });
  });

  it('knows the region of each marketplace it serves', () => {
    expect(amazonRegionOf('ATVPDKIKX0DER')).toBe('na');
    expect(amazonRegionOf('A21TJRUUN4KGV')).toBe('eu');
    expect(amazonRegionOf('A1F83G8C2ARO7P')).toBe('eu');
    expect(Object.keys(AMAZON_MARKETPLACES).length).toBeGreaterThanOrEqual(3);
    expect(() => amazonRegionOf('XXXX')).toThrow(/unknown Amazon marketplace/);
  });
});

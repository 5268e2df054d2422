/** The Shopify OAuth client against the sandbox's Shopify, over loopback: install, then uninstall. */
import { describe, expect, it } from 'vitest';
import { emptyStats } from '../../src/marketplaces/api-stats.ts';
import { type ShopifyApp, shopifyApp } from '../../src/marketplaces/shopify/shopify-app.ts';
import { authorizeUrl, completeAuthorization, ShopifyOAuth } from '../../src/marketplaces/shopify/shopify-oauth.ts';
import { approveConsent, useSandboxes } from '../support/sandbox.ts';
import { testConfig } from '../support/test-config.ts';

const sandboxes = useSandboxes('');
const SHOP = 'indigo-loom.myshopify.com';
const OTHER_SHOP = 'desi-threads.myshopify.com';

async function install(app: ShopifyApp, shop: string) {
  const state = `state-${shop}`;
  const redirectUri = 'http://127.0.0.1:1/oauth/shopify/callback';
  const approved = await approveConsent(authorizeUrl(app, { shop, state, redirectUri }));
  expect(approved.status).toBe(302);
  const callback = Object.fromEntries(new URL(approved.headers.get('location') ?? '').searchParams);
  return completeAuthorization(app, emptyStats(), callback, { state, shop });
}

async function graphqlStatus(app: ShopifyApp, shop: string, token: string): Promise<number> {
  const response = await fetch(`${app.shopUrl(shop)}/admin/api/${app.apiVersion}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query: '{ shop { name } }' }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('Shopify OAuth', () => {
  it('revoke uninstalls the app: the access token gets 401 and the refresh token is refused', async () => {
    const { base } = await sandboxes();
    const app = shopifyApp(testConfig(), base);
    const oauth = new ShopifyOAuth(app, emptyStats());
    const grant = await install(app, SHOP);
    const second = await install(app, SHOP);
    const otherShop = await install(app, OTHER_SHOP);
    expect(grant.refreshToken).toBeTruthy();
    expect(await graphqlStatus(app, SHOP, grant.accessToken)).toBe(200);

    await oauth.revoke(SHOP, grant.accessToken);

    // every token of the shop stops working, not just the one that asked
    expect(await graphqlStatus(app, SHOP, grant.accessToken)).toBe(401);
    expect(await graphqlStatus(app, SHOP, second.accessToken)).toBe(401);
    await expect(oauth.refresh(SHOP, grant.refreshToken as string)).rejects.toMatchObject({ kind: 'auth_revoked' });
    await expect(oauth.refresh(SHOP, second.refreshToken as string)).rejects.toMatchObject({ kind: 'auth_revoked' });
    // another shop's install is untouched
    expect(await graphqlStatus(app, OTHER_SHOP, otherShop.accessToken)).toBe(200);
    // a revoked token cannot revoke again, and another shop's token cannot revoke this shop
    await expect(oauth.revoke(SHOP, grant.accessToken)).rejects.toMatchObject({ kind: 'auth_revoked', status: 401 });
    await expect(oauth.revoke(SHOP, otherShop.accessToken)).rejects.toMatchObject({ status: 401 });
    expect(await graphqlStatus(app, OTHER_SHOP, otherShop.accessToken)).toBe(200);

    // the seller can install the app again
    const again = await install(app, SHOP);
    expect(await graphqlStatus(app, SHOP, again.accessToken)).toBe(200);
  });
});

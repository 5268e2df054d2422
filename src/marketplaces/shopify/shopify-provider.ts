import { emptyStats } from '../api-stats.ts';
import type { MarketplaceProvider } from '../marketplace-provider.ts';
import { shopifyApp } from './shopify-app.ts';
import { ShopifyClient } from './shopify-client.ts';
import { ShopifyOAuth } from './shopify-oauth.ts';

export const shopifyProvider: MarketplaceProvider = {
  marketplace: 'shopify',
  // orders are read by their updated-at with no lower bound
  backfillDays: undefined,
  createClient: ({ config, connection, tokens, log, signal, tuning }) =>
    new ShopifyClient({
      shop: connection.externalAccountId,
      app: shopifyApp(config, connection.sandboxUrl),
      tokens,
      log,
      ...(signal ? { signal } : {}),
      ...tuning,
    }),
  // offline tokens without a refresh token do not expire and cannot be renewed
  refresher: (config, connection, tokens) => {
    if (!tokens.refreshToken) return undefined;
    const oauth = new ShopifyOAuth(shopifyApp(config, connection.sandboxUrl), emptyStats());
    return async (current) => {
      if (!current.refreshToken) throw new Error('no refresh token');
      return oauth.refresh(connection.externalAccountId, current.refreshToken);
    };
  },
};

/** The marketplaces ShopIQ can sync: adding one is its folder plus a line here. */
import type { Marketplace } from '../db/enums.ts';
import { amazonProvider } from './amazon/amazon-provider.ts';
import { flipkartProvider } from './flipkart/flipkart-provider.ts';
import { MarketplaceError } from './marketplace-error.ts';
import type { MarketplaceProvider } from './marketplace-provider.ts';
import { shopifyProvider } from './shopify/shopify-provider.ts';

const PROVIDERS: Partial<Record<Marketplace, MarketplaceProvider>> = {
  shopify: shopifyProvider,
  flipkart: flipkartProvider,
  amazon: amazonProvider,
};

export function providerFor(marketplace: Marketplace): MarketplaceProvider {
  const provider = PROVIDERS[marketplace];
  if (!provider) throw new MarketplaceError(marketplace, 'unknown', `syncing ${marketplace} is not supported yet`);
  return provider;
}

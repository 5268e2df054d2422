/**
 * Where a Shopify connection's API lives and which app credentials it uses: the real
 * `https://{shop}` (or SHOPIFY_BASE_URL with `{shop}` in it), or, for a sandbox
 * connection, the sandbox's Shopify and the sandbox's app.
 */
import type { Config } from '../../config/config.ts';
import { AppError } from '../../errors/app-error.ts';
import { DEFAULT_APPS } from '../../sandbox/sandbox-context.ts';

export interface ShopifyApp {
  clientId: string;
  clientSecret: string;
  apiVersion: string;
  /** Base URL of a shop's admin host (no trailing slash). */
  shopUrl(shop: string): string;
}

export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
export const SHOPIFY_SCOPES = ['read_orders', 'read_all_orders', 'read_products', 'read_inventory'];

export function shopifyApp(config: Pick<Config, 'shopify'>, sandboxUrl?: string | null): ShopifyApp {
  const apiVersion = config.shopify.apiVersion;
  if (sandboxUrl) {
    const base = sandboxUrl.replace(/\/+$/, '');
    return {
      clientId: DEFAULT_APPS.shopify.clientId,
      clientSecret: DEFAULT_APPS.shopify.clientSecret,
      apiVersion,
      shopUrl: (shop) => `${base}/shopify/${shop}`,
    };
  }
  const { apiKey, apiSecret, baseUrl } = config.shopify;
  if (!apiKey || !apiSecret) {
    throw new AppError(
      'CONFIG_INVALID',
      'SHOPIFY_API_KEY and SHOPIFY_API_SECRET are needed to connect a Shopify store',
    );
  }
  return {
    clientId: apiKey,
    clientSecret: apiSecret,
    apiVersion,
    shopUrl: (shop) => {
      if (!baseUrl) return `https://${shop}`;
      const template = baseUrl.replace(/\/+$/, '');
      return template.includes('{shop}') ? template.replace('{shop}', shop) : `${template}/${shop}`;
    },
  };
}

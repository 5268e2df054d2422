/**
 * Where an Amazon connection's APIs live: Login with Amazon for tokens, the Selling
 * Partner API host of the seller's region (NA, EU incl. India and the UK, FE), and
 * Seller Central for consent; for a sandbox connection, all at the sandbox with its app.
 */
import type { Config } from '../../config/config.ts';
import { AppError } from '../../errors/app-error.ts';
import { DEFAULT_APPS } from '../../sandbox/sandbox-context.ts';

export interface AmazonApp {
  applicationId: string;
  clientId: string;
  clientSecret: string;
  lwaBaseUrl: string;
  /** SP-API base for a region (na, eu, fe). */
  spApiUrl(region: AmazonRegion): string;
  /** Seller Central consent page base for a marketplace. */
  consentUrl(marketplaceId: string): string;
}

export type AmazonRegion = 'na' | 'eu' | 'fe';

/** Marketplace id → region and Seller Central domain (the marketplaces ShopIQ knows). */
export const AMAZON_MARKETPLACES: Record<string, { region: AmazonRegion; code: string; central: string }> = {
  ATVPDKIKX0DER: { region: 'na', code: 'US', central: 'sellercentral.amazon.com' },
  A2EUQ1WTGCTBG2: { region: 'na', code: 'CA', central: 'sellercentral.amazon.ca' },
  A21TJRUUN4KGV: { region: 'eu', code: 'IN', central: 'sellercentral.amazon.in' },
  A1F83G8C2ARO7P: { region: 'eu', code: 'UK', central: 'sellercentral.amazon.co.uk' },
  A1PA6795UKMFR9: { region: 'eu', code: 'DE', central: 'sellercentral.amazon.de' },
  A2VIGQ35RCS4UG: { region: 'eu', code: 'AE', central: 'sellercentral.amazon.ae' },
  A1VC38T7YXB528: { region: 'fe', code: 'JP', central: 'sellercentral.amazon.co.jp' },
};

export function amazonRegionOf(marketplaceId: string): AmazonRegion {
  const known = AMAZON_MARKETPLACES[marketplaceId];
  if (!known) throw new AppError('BAD_REQUEST', `unknown Amazon marketplace id ${marketplaceId}`);
  return known.region;
}

export function amazonApp(config: Pick<Config, 'amazon'>, sandboxUrl?: string | null): AmazonApp {
  if (sandboxUrl) {
    const base = `${sandboxUrl.replace(/\/+$/, '')}/amazon`;
    return { ...DEFAULT_APPS.amazon, lwaBaseUrl: base, spApiUrl: () => base, consentUrl: () => base };
  }
  const { lwaClientId, lwaClientSecret, appId, lwaBaseUrl, spApiBaseUrl } = config.amazon;
  if (!lwaClientId || !lwaClientSecret || !appId) {
    throw new AppError(
      'CONFIG_INVALID',
      'AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET and AMAZON_APP_ID are needed to connect an Amazon account',
    );
  }
  return {
    applicationId: appId,
    clientId: lwaClientId,
    clientSecret: lwaClientSecret,
    lwaBaseUrl: lwaBaseUrl.replace(/\/+$/, ''),
    spApiUrl: (region) => spApiBaseUrl?.replace(/\/+$/, '') ?? `https://sellingpartnerapi-${region}.amazon.com`,
    consentUrl: (marketplaceId) =>
      `https://${AMAZON_MARKETPLACES[marketplaceId]?.central ?? 'sellercentral.amazon.com'}`,
  };
}

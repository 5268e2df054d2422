/**
 * Where a Flipkart connection's API lives and which app it authenticates as: the real
 * host (or FLIPKART_BASE_URL), or for a sandbox connection the sandbox's Flipkart and
 * its third-party app. The Seller API is under `/sellers`, OAuth under `/oauth-service`.
 */
import type { Config } from '../../config/config.ts';
import { AppError } from '../../errors/app-error.ts';
import { DEFAULT_APPS } from '../../sandbox/sandbox-context.ts';

export interface FlipkartApp {
  appId: string;
  appSecret: string;
  /** Host base (no trailing slash): `${base}/sellers`, `${base}/oauth-service`. */
  baseUrl: string;
}

export const FLIPKART_SCOPE = 'Seller_Api';

export function flipkartApp(config: Pick<Config, 'flipkart'>, sandboxUrl?: string | null): FlipkartApp {
  if (sandboxUrl) {
    return { ...DEFAULT_APPS.flipkart, baseUrl: `${sandboxUrl.replace(/\/+$/, '')}/flipkart` };
  }
  const { appId, appSecret, baseUrl } = config.flipkart;
  if (!appId || !appSecret) {
    throw new AppError(
      'CONFIG_INVALID',
      'FLIPKART_APP_ID and FLIPKART_APP_SECRET are needed to connect a Flipkart account',
    );
  }
  return { appId, appSecret, baseUrl: baseUrl.replace(/\/+$/, '') };
}

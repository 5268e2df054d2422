import { emptyStats } from '../api-stats.ts';
import { MarketplaceError } from '../marketplace-error.ts';
import type { MarketplaceProvider } from '../marketplace-provider.ts';
import { amazonApp } from './amazon-app.ts';
import { AmazonClient } from './amazon-client.ts';
import { AmazonOAuth } from './amazon-oauth.ts';

export const amazonProvider: MarketplaceProvider = {
  marketplace: 'amazon',
  createClient: ({ config, connection, tokens, signal, tuning }) => {
    if (!connection.region) {
      throw new MarketplaceError('amazon', 'unknown', 'the Amazon connection does not name its marketplace');
    }
    return new AmazonClient({
      app: amazonApp(config, connection.sandboxUrl),
      marketplaceId: connection.region,
      sellerId: connection.externalAccountId,
      tokens,
      ...(signal ? { signal } : {}),
      ...(tuning?.retry ? { retry: tuning.retry } : {}),
      ...(tuning?.overlapMs !== undefined ? { overlapMs: tuning.overlapMs } : {}),
      ...(tuning?.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
      ...(tuning?.backfillDays !== undefined ? { backfillDays: tuning.backfillDays } : {}),
      ...(tuning?.rateScale !== undefined ? { rateScale: tuning.rateScale } : {}),
      ...(tuning?.reportPollMs !== undefined ? { reportPollMs: tuning.reportPollMs } : {}),
    });
  },
  // Login with Amazon refresh tokens do not rotate; access tokens last an hour
  refresher: (config, connection, tokens) => {
    if (!tokens.refreshToken) return undefined;
    const oauth = new AmazonOAuth(amazonApp(config, connection.sandboxUrl), emptyStats());
    return async (current) => {
      if (!current.refreshToken) throw new Error('no refresh token');
      return oauth.refresh(current.refreshToken);
    };
  },
};

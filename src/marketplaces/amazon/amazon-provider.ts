import { emptyStats } from '../api-stats.ts';
import { MarketplaceError } from '../marketplace-error.ts';
import { commonOptions, DEFAULT_BACKFILL_DAYS, type MarketplaceProvider } from '../marketplace-provider.ts';
import { amazonApp } from './amazon-app.ts';
import { AmazonClient } from './amazon-client.ts';
import { AmazonOAuth } from './amazon-oauth.ts';

export const amazonProvider: MarketplaceProvider = {
  marketplace: 'amazon',
  backfillDays: DEFAULT_BACKFILL_DAYS,
  createClient: (input) => {
    const { config, connection, tuning } = input;
    if (!connection.region) {
      throw new MarketplaceError('amazon', 'unknown', 'the Amazon connection does not name its marketplace');
    }
    return new AmazonClient({
      ...commonOptions(input),
      app: amazonApp(config, connection.sandboxUrl),
      marketplaceId: connection.region,
      sellerId: connection.externalAccountId,
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

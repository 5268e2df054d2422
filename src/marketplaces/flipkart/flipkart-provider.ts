import { emptyStats } from '../api-stats.ts';
import { commonOptions, DEFAULT_BACKFILL_DAYS, type MarketplaceProvider } from '../marketplace-provider.ts';
import { flipkartApp } from './flipkart-app.ts';
import { FlipkartClient } from './flipkart-client.ts';
import { FlipkartOAuth } from './flipkart-oauth.ts';

export const flipkartProvider: MarketplaceProvider = {
  marketplace: 'flipkart',
  backfillDays: DEFAULT_BACKFILL_DAYS,
  createClient: (input) =>
    new FlipkartClient({
      ...commonOptions(input),
      app: flipkartApp(input.config, input.connection.sandboxUrl),
      maxRatePerS: input.tuning?.maxRatePerS ?? input.config.flipkart.maxRequestsPerS,
    }),
  refresher: (config, connection, tokens) => {
    if (!tokens.refreshToken) return undefined;
    const oauth = new FlipkartOAuth(flipkartApp(config, connection.sandboxUrl), emptyStats());
    return async (current) => {
      if (!current.refreshToken) throw new Error('no refresh token');
      return oauth.refresh(current.refreshToken);
    };
  },
};

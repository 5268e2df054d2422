import { emptyStats } from '../api-stats.ts';
import type { MarketplaceProvider } from '../marketplace-provider.ts';
import { flipkartApp } from './flipkart-app.ts';
import { FlipkartClient } from './flipkart-client.ts';
import { FlipkartOAuth } from './flipkart-oauth.ts';

export const flipkartProvider: MarketplaceProvider = {
  marketplace: 'flipkart',
  createClient: ({ config, connection, tokens, signal, tuning }) =>
    new FlipkartClient({
      app: flipkartApp(config, connection.sandboxUrl),
      tokens,
      ...(signal ? { signal } : {}),
      ...(tuning?.retry ? { retry: tuning.retry } : {}),
      ...(tuning?.overlapMs !== undefined ? { overlapMs: tuning.overlapMs } : {}),
      ...(tuning?.timeoutMs !== undefined ? { timeoutMs: tuning.timeoutMs } : {}),
      ...(tuning?.backfillDays !== undefined ? { backfillDays: tuning.backfillDays } : {}),
      maxRatePerS: tuning?.maxRatePerS ?? config.flipkart.maxRequestsPerS,
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

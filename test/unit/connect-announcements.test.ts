/**
 * What ShopIQ says about a connection unasked, in the seller's words: connected (how far
 * back it reads, from the marketplace's own backfill setting), progress, what was
 * loaded, what failed and what happens next, and the link to sign in again.
 */
import { describe, expect, it } from 'vitest';
import {
  connectedText,
  failedText,
  loadedText,
  progressText,
  reauthReply,
} from '../../src/connections/connect-announcements.ts';
import { DEFAULT_BACKFILL_DAYS } from '../../src/marketplaces/marketplace-provider.ts';

const shop = { marketplace: 'shopify' as const, account: 'my-shop.myshopify.com' };

describe('connection announcements', () => {
  it('says what the first sync reads: Shopify its whole history, Flipkart and Amazon their backfill window', () => {
    expect(DEFAULT_BACKFILL_DAYS).toBe(730);
    expect(connectedText('shopify', 'my-shop.myshopify.com')).toBe(
      'Shopify connected (my-shop.myshopify.com): reading your whole order history…',
    );
    expect(connectedText('flipkart', null)).toBe('Flipkart connected: reading 24 months of orders…');
    expect(connectedText('amazon', 'A21TJRUUN4KGV')).toBe('Amazon connected (amazon.in): reading 24 months of orders…');
  });

  it('shows records read, the estimated total and the time left', () => {
    expect(progressText(shop, { done: 1200, estimatedTotal: 3400, remainingMs: 150_000 })).toBe(
      'Loading Shopify (my-shop.myshopify.com): 1,200 of about 3,400 records read so far, about 3 min left.',
    );
    expect(progressText(shop, { done: 40, estimatedTotal: undefined, remainingMs: undefined })).toBe(
      'Loading Shopify (my-shop.myshopify.com): 40 records read so far.',
    );
    expect(progressText(shop, { done: 5000, estimatedTotal: 90_000, remainingMs: 4_800_000 })).toMatch(
      /, about 1 h 20 min left\.$/,
    );
  });

  it('says what was loaded, with dates in the seller’s timezone, and a question to ask', () => {
    const loaded = { orders: 3412, first: new Date('2024-12-01T20:00:00Z'), last: new Date('2026-11-30T20:00:00Z') };
    expect(loadedText(shop, loaded, 'Asia/Kolkata')).toBe(
      'Shopify (my-shop.myshopify.com) is loaded: 3,412 orders, from 2 Dec 2024 to 1 Dec 2026. Ask me anything about it, e.g. "What were my total sales last month?"',
    );
    expect(loadedText(shop, { orders: 0, first: undefined, last: undefined }, 'UTC')).toMatch(/has no orders yet/);
  });

  it('says what failed and what ShopIQ does next, without the raw error', () => {
    const next = new Date('2026-12-02T08:47:00Z');
    expect(failedText(shop, { kind: 'auth_revoked', done: 0, nextSyncAt: next, timezone: 'UTC' })).toBe(
      "Loading Shopify (my-shop.myshopify.com) stopped: Shopify refused ShopIQ's access. Reconnect with `connect shopify my-shop.myshopify.com`.",
    );
    expect(
      failedText(
        { marketplace: 'flipkart', account: null },
        {
          kind: 'temporary',
          done: 1500,
          nextSyncAt: next,
          timezone: 'Asia/Kolkata',
        },
      ),
    ).toBe(
      'Loading Flipkart paused: Flipkart is not answering properly just now. The 1,500 records read so far are kept. ShopIQ will try again at the next scheduled sync, 2026-12-02 14:17 (Asia/Kolkata).',
    );
    expect(failedText(shop, { kind: 'unknown', done: 0, nextSyncAt: undefined, timezone: 'UTC' })).toMatch(
      /failed on ShopIQ's side .* ShopIQ will try again at the next sync/,
    );
  });

  it('asks to sign in again with a link button, naming the account', () => {
    const url = 'https://shopiq.example.com/oauth/shopify/start?ticket=t';
    const reply = reauthReply(shop, url, 7);
    expect(reply.text).toMatch(/^Your Shopify connection \(my-shop\.myshopify\.com\) needs you to sign in again: /);
    expect(reply.text).toMatch(/works for 7 days/);
    expect(reply.actions).toEqual([{ label: 'Sign in to Shopify again', url }]);
  });
});

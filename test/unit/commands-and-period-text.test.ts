import { describe, expect, it } from 'vitest';
import { parsePeriodText } from '../../src/analytics/period-text.ts';
import { parseCommand } from '../../src/conversation/commands.ts';
import { amazonMarketplaceOf, normalizeShopDomain } from '../../src/oauth/authorizers.ts';
import { canonicalTimezone } from '../../src/time/local-time.ts';

describe('commands', () => {
  it('reads one grammar, with or without the Slack prefix', () => {
    expect(parseCommand('help')).toEqual({ name: 'help' });
    expect(parseCommand('/shopiq status')).toEqual({ name: 'status' });
    expect(parseCommand('shopiq sync Amazon')).toEqual({ name: 'sync', marketplace: 'amazon' });
    expect(parseCommand('Sync')).toEqual({ name: 'sync' });
    expect(parseCommand('connect shopify my-shop.myshopify.com')).toEqual({
      name: 'connect',
      marketplace: 'shopify',
      account: 'my-shop.myshopify.com',
    });
    expect(parseCommand('disconnect flipkart')).toEqual({ name: 'disconnect', marketplace: 'flipkart' });
    expect(parseCommand('timezone Asia/Kolkata')).toEqual({ name: 'timezone', zone: 'Asia/Kolkata' });
    expect(parseCommand('currency inr')).toEqual({ name: 'currency', code: 'INR' });
    expect(parseCommand('timezone')).toEqual({ name: 'timezone', zone: undefined });
  });

  it('reads the sync frequency as sellers say it, link codes and demo', () => {
    expect(parseCommand('frequency every 15 minutes')).toMatchObject({ name: 'frequency', tier: 'every_15_minutes' });
    expect(parseCommand('frequency hourly')).toMatchObject({ name: 'frequency', tier: 'hourly' });
    expect(parseCommand('/shopiq frequency every 6 hours')).toMatchObject({ name: 'frequency', tier: 'every_6_hours' });
    expect(parseCommand('frequency twice a day')).toMatchObject({ name: 'frequency', tier: 'twice_daily' });
    expect(parseCommand('frequency Daily')).toMatchObject({ name: 'frequency', tier: 'daily' });
    // a word it does not know is still the command (answered with the choices), not a question
    expect(parseCommand('frequency weekly')).toEqual({ name: 'frequency', tier: undefined, asked: 'weekly' });
    expect(parseCommand('frequency')).toEqual({ name: 'frequency' });
    expect(parseCommand('link')).toEqual({ name: 'link' });
    expect(parseCommand('link KMT-042917')).toEqual({ name: 'link', code: 'KMT-042917' });
    expect(parseCommand('link kmt 042917')).toEqual({ name: 'link', code: 'kmt 042917' });
    expect(parseCommand('link my amazon account')).toBeUndefined();
    expect(parseCommand('demo')).toEqual({ name: 'demo' });
  });

  it('reads disconnect with delete as a request to confirm, and its confirmation', () => {
    expect(parseCommand('disconnect shopify delete')).toEqual({
      name: 'disconnect',
      marketplace: 'shopify',
      remove: 'ask',
    });
    expect(parseCommand('disconnect Shopify DELETE confirm')).toEqual({
      name: 'disconnect',
      marketplace: 'shopify',
      remove: 'confirmed',
    });
    expect(parseCommand('disconnect shopify and amazon')).toBeUndefined();
    expect(parseCommand('disconnect shopify delete everything now')).toBeUndefined();
  });

  it('reads the store or marketplace a seller names when connecting', () => {
    for (const typed of [
      'my-shop',
      'My-Shop.myshopify.com',
      'https://my-shop.myshopify.com/admin',
      '<https://my-shop.myshopify.com|my-shop.myshopify.com>',
    ]) {
      expect(normalizeShopDomain(typed)).toBe('my-shop.myshopify.com');
    }
    for (const bad of [
      'evil.com',
      'my-shop.myshopify.com.evil.com',
      'https://evil.com/my-shop.myshopify.com',
      '-x',
      'a b',
    ]) {
      expect(normalizeShopDomain(bad)).toBeUndefined();
    }
    expect(amazonMarketplaceOf('in')).toBe('A21TJRUUN4KGV');
    expect(amazonMarketplaceOf('GB')).toBe('A1F83G8C2ARO7P');
    expect(amazonMarketplaceOf('ATVPDKIKX0DER')).toBe('ATVPDKIKX0DER');
    expect(amazonMarketplaceOf('mars')).toBeUndefined();
  });

  it('reads a digest time as sellers write it, off, and what is not a time', () => {
    expect(parseCommand('digest')).toEqual({ name: 'digest' });
    expect(parseCommand('/shopiq digest 9:30')).toEqual({ name: 'digest', time: '09:30' });
    expect(parseCommand('digest 07:05')).toEqual({ name: 'digest', time: '07:05' });
    expect(parseCommand('digest 7am')).toEqual({ name: 'digest', time: '07:00' });
    expect(parseCommand('digest 6:45 pm')).toEqual({ name: 'digest', time: '18:45' });
    expect(parseCommand('digest 12am')).toEqual({ name: 'digest', time: '00:00' });
    expect(parseCommand('digest off')).toEqual({ name: 'digest', time: null });
    expect(parseCommand('digest 25:00')).toEqual({ name: 'digest', asked: '25:00' });
    expect(parseCommand('digest 13pm')).toEqual({ name: 'digest', asked: '13pm' });
    expect(parseCommand('digest tomorrow')).toEqual({ name: 'digest', asked: 'tomorrow' });
    expect(parseCommand('digest of my sales last month please')).toBeUndefined();
  });

  it('reads alerts on and off, and the kinds sellers mute in their own words, for days or weeks', () => {
    expect(parseCommand('alerts')).toEqual({ name: 'alerts' });
    expect(parseCommand('/shopiq alerts off')).toEqual({ name: 'alerts', enabled: false });
    expect(parseCommand('alerts ON')).toEqual({ name: 'alerts', enabled: true });
    expect(parseCommand('alerts mute returns')).toEqual({ name: 'alerts', mute: 'return_spike' });
    expect(parseCommand('alerts mute stock-low for 3 days')).toEqual({ name: 'alerts', mute: 'stock_low', days: 3 });
    expect(parseCommand('alerts mute sales drop')).toEqual({ name: 'alerts', asked: 'mute sales drop' });
    expect(parseCommand('alerts mute sales-drop for a week')).toEqual({ name: 'alerts', mute: 'sales_drop', days: 7 });
    expect(parseCommand('alerts mute large_order 2 weeks')).toEqual({ name: 'alerts', mute: 'large_order', days: 14 });
    expect(parseCommand('alerts unmute connection')).toEqual({ name: 'alerts', unmute: 'connection' });
    expect(parseCommand('alerts mute stock for 0 days')).toEqual({ name: 'alerts', asked: 'mute stock for 0 days' });
    expect(parseCommand('alerts mute weather')).toEqual({ name: 'alerts', asked: 'mute weather' });
  });

  it('reads the demo clock: shown, to a time of day, or hours and days on', () => {
    expect(parseCommand('demo clock')).toEqual({ name: 'demo', clock: '' });
    expect(parseCommand('demo clock 09:00')).toEqual({ name: 'demo', clock: '09:00' });
    expect(parseCommand('demo clock +6h')).toEqual({ name: 'demo', clock: '+6h' });
    expect(parseCommand('demo store please')).toBeUndefined();
  });

  it('leaves questions that start with a command word to the model', () => {
    expect(parseCommand('sync status of amazon?')).toBeUndefined();
    expect(parseCommand('status of my returns this month')).toBeUndefined();
    expect(parseCommand('What were my total sales last month?')).toBeUndefined();
    expect(parseCommand('help me understand my return rate')).toBeUndefined();
  });
});

describe('periods as sellers write them', () => {
  it('finds named periods, last N days or weeks, months and ranges', () => {
    expect(parsePeriodText('What were my total sales last month?')).toEqual({ kind: 'named', name: 'last_month' });
    expect(parsePeriodText('sales this week')).toEqual({ kind: 'named', name: 'this_week' });
    expect(parsePeriodText('orders in the past 7 days')).toEqual({ kind: 'last_days', days: 7 });
    expect(parsePeriodText('returns over the last 2 weeks')).toEqual({ kind: 'last_days', days: 14 });
    expect(parsePeriodText('revenue in March')).toEqual({ kind: 'month', month: 3 });
    expect(parsePeriodText('revenue for sep 2025')).toEqual({ kind: 'month', month: 9, year: 2025 });
    expect(parsePeriodText('sales 2026-01-01 to 2026-01-31')).toEqual({
      kind: 'range',
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(parsePeriodText('year to date revenue')).toEqual({ kind: 'named', name: 'this_year' });
  });

  it('reads counts in words, hours, months and years, quarters and years of a question', () => {
    expect(parsePeriodText('sales in the last seven days')).toEqual({ kind: 'last_days', days: 7 });
    expect(parsePeriodText('orders in the last 24 hours')).toEqual({ kind: 'last_days', days: 1 });
    expect(parsePeriodText('revenue over the last 3 months')).toEqual({ kind: 'last_days', days: 91 });
    expect(parsePeriodText('revenue over the last 12 months')).toEqual({ kind: 'last_days', days: 365 });
    expect(parsePeriodText('returns over the last fortnight')).toEqual({ kind: 'last_days', days: 14 });
    // "the past month" is the last 30 days; "last month" the calendar month
    expect(parsePeriodText('sales in the past month')).toEqual({ kind: 'last_days', days: 30 });
    expect(parsePeriodText('sales in the past week')).toEqual({ kind: 'last_days', days: 7 });
    expect(parsePeriodText('turnover for Q4 2025')).toEqual({ kind: 'range', from: '2025-10-01', to: '2025-12-31' });
    expect(parsePeriodText('turnover for Q2 2026')).toEqual({ kind: 'range', from: '2026-04-01', to: '2026-06-30' });
    expect(parsePeriodText('how much did I sell in 2025')).toEqual({
      kind: 'range',
      from: '2025-01-01',
      to: '2025-12-31',
    });
    expect(parsePeriodText('sales for sept')).toEqual({ kind: 'month', month: 9 });
    expect(parsePeriodText('total sales till date this month')).toEqual({ kind: 'named', name: 'this_month' });
    expect(parsePeriodText('month till date sales')).toEqual({ kind: 'named', name: 'this_month' });
    // a SKU's digits are not a year
    expect(parsePeriodText('stock of SKU 2025-RED')).toBeUndefined();
  });

  it('does not take "may" the verb, or marketplace words, for months', () => {
    expect(parsePeriodText('may I see my best products')).toBeUndefined();
    expect(parsePeriodText('sales in may')).toEqual({ kind: 'month', month: 5 });
    expect(parsePeriodText('which marketplace sells best')).toBeUndefined();
    expect(parsePeriodText('Show me my return rate by marketplace')).toBeUndefined();
  });
});

describe('timezones as sellers type them', () => {
  it('are spelled as IANA spells them, old aliases under their current names', () => {
    expect(canonicalTimezone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimezone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalTimezone('europe/kiev')).toBe('Europe/Kyiv');
    expect(canonicalTimezone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimezone('utc')).toBe('UTC');
    expect(canonicalTimezone('Mars/Olympus')).toBeUndefined();
  });
});

/**
 * What a seller calls things in tables, sentences and charts: marketplaces by their
 * brand names ("Flipkart"), months and days as dates are written ("Oct 2026",
 * "5 Oct 2026"), statuses in plain case ("Delivered"). What the model reads keeps the
 * raw keys.
 */
import { dayText, monthText } from '../../analytics/period.ts';
import type { Marketplace } from '../../db/enums.ts';

export const MARKETPLACE_NAMES: Record<Marketplace, string> = {
  shopify: 'Shopify',
  flipkart: 'Flipkart',
  amazon: 'Amazon',
};

export function marketplaceName(key: string): string {
  return MARKETPLACE_NAMES[key as Marketplace] ?? key;
}

/** A breakdown's key (a marketplace, "2026-10", a week's Monday, a day, a status) as the seller reads it. */
export function breakdownLabel(by: string, key: string): string {
  switch (by) {
    case 'marketplace':
      return marketplaceName(key);
    case 'month':
      return monthText(key);
    case 'week':
      return `week of ${dayText(key, true)}`;
    case 'day':
      return dayText(key, true);
    case 'status':
      return key.charAt(0) + key.slice(1).toLowerCase();
    default:
      return key;
  }
}

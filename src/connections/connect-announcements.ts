/** What ShopIQ says in chat about a marketplace connected from there. */
import type { Marketplace } from '../db/enums.ts';

const NAMES: Record<Marketplace, string> = { shopify: 'Shopify', flipkart: 'Flipkart', amazon: 'Amazon' };

export const connectedText = (marketplace: Marketplace, account: string | null) =>
  `${NAMES[marketplace]} connected${account ? ` (${account})` : ''}: reading your order history…`;

/**
 * The sellers the sandbox hosts. Each has a Shopify shop, a Flipkart seller account and
 * an Amazon seller account; currencies differ by seller so conversion is exercised.
 */
import { hashKeys } from './random.ts';

export const SANDBOX_MARKETPLACES = ['shopify', 'flipkart', 'amazon'] as const;
export type SandboxMarketplace = (typeof SANDBOX_MARKETPLACES)[number];

export interface StoreDef {
  /** `<seller>-<marketplace>`, e.g. `s1-shopify`: the key faults, truth and admin calls use. */
  key: string;
  seller: number;
  sellerName: string;
  marketplace: SandboxMarketplace;
  /** Shopify shop domain, Flipkart seller id, Amazon selling partner id. */
  accountId: string;
  currency: string;
  /** Amazon marketplace (US, IN, UK) and its id; undefined elsewhere. */
  amazonMarketplace?: { code: 'US' | 'IN' | 'UK'; id: string; region: 'na' | 'eu' };
  /** Orders generated as history. */
  orders: number;
}

const PROFILES = [
  { name: 'Indigo Loom', shopifyCurrency: 'USD', amazon: 'US' },
  { name: 'Desi Threads', shopifyCurrency: 'INR', amazon: 'IN' },
  { name: 'Atelier Jaipur', shopifyCurrency: 'EUR', amazon: 'UK' },
] as const;

const AMAZON = {
  US: { code: 'US', id: 'ATVPDKIKX0DER', region: 'na', currency: 'USD' },
  IN: { code: 'IN', id: 'A21TJRUUN4KGV', region: 'eu', currency: 'INR' },
  UK: { code: 'UK', id: 'A1F83G8C2ARO7P', region: 'eu', currency: 'GBP' },
} as const;

export function buildStores(seed: number, sellers: number, ordersPerStore: number): StoreDef[] {
  const stores: StoreDef[] = [];
  for (let s = 1; s <= sellers; s++) {
    const profile = PROFILES[(s - 1) % PROFILES.length] as (typeof PROFILES)[number];
    const sellerName = s <= PROFILES.length ? profile.name : `${profile.name} ${s}`;
    const amazon = AMAZON[profile.amazon];
    const slug = sellerName.toLowerCase().replaceAll(' ', '-');
    stores.push(
      {
        key: `s${s}-shopify`,
        seller: s,
        sellerName,
        marketplace: 'shopify',
        accountId: `${slug}.myshopify.com`,
        currency: profile.shopifyCurrency,
        orders: ordersPerStore,
      },
      {
        key: `s${s}-flipkart`,
        seller: s,
        sellerName,
        marketplace: 'flipkart',
        accountId: idFrom(seed, s, 'flipkart', 'abcdef0123456789', 16),
        currency: 'INR',
        orders: ordersPerStore,
      },
      {
        key: `s${s}-amazon`,
        seller: s,
        sellerName,
        marketplace: 'amazon',
        accountId: `A${idFrom(seed, s, 'amazon', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 13)}`,
        currency: amazon.currency,
        amazonMarketplace: { code: amazon.code, id: amazon.id, region: amazon.region },
        orders: ordersPerStore,
      },
    );
  }
  return stores;
}

function idFrom(seed: number, seller: number, what: string, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[hashKeys(seed, seller, what, i) % alphabet.length];
  return out;
}

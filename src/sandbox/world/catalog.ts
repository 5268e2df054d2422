/**
 * A seller's products and how each marketplace lists them. The same product keeps its
 * SKU across marketplaces (so ShopIQ can line it up) but not always its spelling or
 * title; some products sell on one marketplace only; a few records are messy.
 * Money is integer minor units throughout the sandbox: exact sums for the truth.
 */

import { cumulative, Random } from './random.ts';
import type { SandboxMarketplace } from './stores.ts';

export interface Listing {
  title: string;
  /** As the marketplace holds it: usually the base SKU, sometimes re-spelled, rarely missing. */
  sku: string | null;
  priceMinor: number;
  inventory: number;
  active: boolean;
}

export interface Product {
  index: number;
  baseSku: string;
  category: string;
  name: string;
  color: string;
  size: string;
  /** Relative demand: a few products sell far more than the rest. */
  popularity: number;
  listings: Partial<Record<SandboxMarketplace, Listing>>;
}

const CATEGORIES = [
  { code: 'KRT', category: 'Apparel', name: 'Cotton Kurta', usd: 24 },
  { code: 'SAR', category: 'Apparel', name: 'Silk Saree', usd: 89 },
  { code: 'TEE', category: 'Apparel', name: 'Organic T-Shirt', usd: 18 },
  { code: 'MUG', category: 'Home & Kitchen', name: 'Stoneware Mug', usd: 14 },
  { code: 'LMP', category: 'Home & Kitchen', name: 'Brass Table Lamp', usd: 65 },
  { code: 'CUS', category: 'Home & Kitchen', name: 'Block-Print Cushion Cover', usd: 16 },
  { code: 'BAG', category: 'Accessories', name: 'Jute Tote Bag', usd: 22 },
  { code: 'WAL', category: 'Accessories', name: 'Leather Wallet', usd: 35 },
  { code: 'TEA', category: 'Grocery', name: 'Assam Tea 250g', usd: 9 },
  { code: 'SOP', category: 'Beauty', name: 'Neem Soap (Pack of 3)', usd: 11 },
] as const;
const COLORS = ['Indigo', 'Red', 'Olive', 'Mustard', 'Black', 'White'] as const;
const SIZES = ['S', 'M', 'L', 'XL', 'OS'] as const;

/** Reference rates for list prices only (order amounts never use them). */
const LIST_RATE: Record<string, number> = { USD: 1, INR: 83, EUR: 0.92, GBP: 0.79 };

export function buildCatalog(seed: number, seller: number, size: number): Product[] {
  const products: Product[] = [];
  for (let index = 0; index < size; index++) {
    const r = new Random(seed, 'product', seller, index);
    const kind = r.pick(CATEGORIES);
    const color = r.pick(COLORS);
    const sizeCode = kind.category === 'Apparel' ? r.pick(SIZES.slice(0, 4)) : 'OS';
    const baseSku = `${kind.code}-${color.slice(0, 3).toUpperCase()}-${sizeCode}-${String(index + 1).padStart(3, '0')}`;
    const usdCents = Math.round(kind.usd * (0.8 + r.next() * 0.6) * 100);
    const where = r.next();
    // half on all three, a third on two, the rest on one
    const on: SandboxMarketplace[] =
      where < 0.5
        ? ['shopify', 'flipkart', 'amazon']
        : where < 0.83
          ? r.pick([
              ['shopify', 'flipkart'],
              ['shopify', 'amazon'],
              ['flipkart', 'amazon'],
            ] as SandboxMarketplace[][])
          : [r.pick(['shopify', 'flipkart', 'amazon'] as SandboxMarketplace[])];
    const product: Product = {
      index,
      baseSku,
      category: kind.category,
      name: kind.name,
      color,
      size: sizeCode,
      popularity: 1 / (1 + index * 0.15) ** 1.1,
      listings: {},
    };
    for (const marketplace of on) product.listings[marketplace] = listing(r, product, marketplace, usdCents);
    products.push(product);
  }
  return products;
}

function listing(r: Random, p: Product, marketplace: SandboxMarketplace, usdCents: number): Listing {
  const sizeText = p.size === 'OS' ? '' : p.size;
  const titles: Record<SandboxMarketplace, string> = {
    shopify: `${p.color} ${p.name}${sizeText ? ` - ${sizeText}` : ''}`,
    flipkart: `${p.name} (${p.color}${sizeText ? `, ${sizeText}` : ''})`,
    amazon: `Handmade ${p.name}, ${p.color}${sizeText ? `, Size ${sizeText}` : ''} | Gift for Her/Him`,
  };
  let title = titles[marketplace];
  const messy = r.next();
  if (messy < 0.03) title = `${title} \u2014 Caf\u00e9 \u{1F31F}\u200b`; // emoji, accents, zero-width space
  let sku: string | null = p.baseSku;
  const spelling = r.next();
  if (spelling < 0.02) sku = null;
  else if (spelling < 0.1) sku = p.baseSku.toLowerCase();
  else if (spelling < 0.16) sku = p.baseSku.replaceAll('-', '_');
  else if (spelling < 0.2) sku = ` ${p.baseSku} `;
  return {
    title,
    sku,
    priceMinor: usdCents, // re-based per store currency by listPrice()
    inventory: r.chance(0.08) ? 0 : r.int(0, 400),
    active: !r.chance(0.05),
  };
}

/** A listing's price in a store's currency, rounded the way sellers price (₹1,299; €24.99). */
export function listPrice(usdCents: number, currency: string): number {
  const rate = LIST_RATE[currency] ?? 1;
  if (currency === 'INR') return (Math.max(1, Math.round((usdCents * rate) / 10000)) * 100 - 1) * 100;
  return Math.max(99, Math.round((usdCents * rate) / 100) * 100 - 1);
}

/** Cumulative popularity of the products one marketplace lists, for drawing order lines. */
export function listedOn(products: readonly Product[], marketplace: SandboxMarketplace) {
  const listed = products.filter((p) => p.listings[marketplace]);
  return { products: listed, cumulative: cumulative(listed.map((p) => p.popularity)) };
}

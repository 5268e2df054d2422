/**
 * Amazon's identifiers for sandbox records, derived from the records themselves (no seed
 * argument: the truth renderer gets only the order and the store, yet the values still
 * change with the seed through placement times, SKUs and prices). Order ids are 3-7-7
 * digits whose middle group is a reversible scramble of the order index, so getOrder
 * needs no lookup table; the last group is a checksum over the order.
 */
import type { Product } from '../world/catalog.ts';
import type { Lifecycle } from '../world/lifecycle.ts';
import { hashKeys } from '../world/random.ts';
import type { StoreDef } from '../world/stores.ts';

const MOD = 10_000_000;
const SCRAMBLE = 7_919_731; // odd and not a multiple of 5: invertible modulo 10^7
const UNSCRAMBLE = modInverse(SCRAMBLE, MOD);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** First 3-digit group of real order ids per marketplace. */
const PREFIXES: Record<string, number[]> = {
  US: [111, 112, 113, 114],
  IN: [402, 403, 404, 405, 406, 407],
  UK: [202, 203, 204, 205, 206],
};

export function amazonOrderId(store: StoreDef, order: Lifecycle): string {
  const prefixes = PREFIXES[store.amazonMarketplace?.code ?? 'US'] ?? [111];
  const prefix = prefixes[hashKeys(store.key, order.index, 'prefix') % prefixes.length];
  const middle = (order.index * SCRAMBLE + (hashKeys(store.key, 'offset') % MOD)) % MOD;
  const check = hashKeys(store.key, order.index, order.placedAt, 'check') % MOD;
  return `${prefix}-${pad(middle, 7)}-${pad(check, 7)}`;
}

/** The order index an id names, if it could be one of this store's ids (verify by re-rendering). */
export function orderIndexOf(store: StoreDef, orderId: string): number | undefined {
  const match = /^\d{3}-(\d{7})-\d{7}$/.exec(orderId);
  if (!match) return undefined;
  const shifted = (Number(match[1]) - (hashKeys(store.key, 'offset') % MOD) + MOD) % MOD;
  return Number((BigInt(shifted) * BigInt(UNSCRAMBLE)) % BigInt(MOD));
}

export function orderItemId(store: StoreDef, order: Lifecycle, line: number): string {
  const a = hashKeys(store.key, order.index, order.placedAt, line, 'item-a') % MOD;
  const b = hashKeys(store.key, order.index, order.placedAt, line, 'item-b') % MOD;
  return `${pad(a, 7)}${pad(b, 7)}`;
}

export function asinOf(store: StoreDef, product: Product): string {
  return `B0${code(8, (i) => hashKeys(store.seller, product.baseSku, product.listings.amazon?.priceMinor ?? 0, 'asin', i))}`;
}

export function fnSkuOf(store: StoreDef, product: Product): string {
  return `X00${code(7, (i) => hashKeys(store.key, product.baseSku, 'fnsku', i))}`;
}

/** About 40% of a seller's Amazon SKUs are Fulfilled by Amazon; an order ships the way its first SKU does. */
export function isFba(store: StoreDef, product: Product): boolean {
  return hashKeys(store.key, product.baseSku, product.listings.amazon?.priceMinor ?? 0, 'fba') % 100 < 40;
}

export function orderIsFba(store: StoreDef, order: Lifecycle): boolean {
  const first = order.lines[0];
  return first !== undefined && isFba(store, first.product);
}

/** A deterministic pick from a list, keyed by the order. */
export function pickFor<T>(items: readonly T[], store: StoreDef, order: Lifecycle, what: string): T {
  return items[hashKeys(store.key, order.index, order.placedAt, what) % items.length] as T;
}

export function digitsFor(length: number, ...keys: (string | number)[]): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += pad(hashKeys(...keys, i) % MOD, 7);
  return out.slice(0, length);
}

function code(length: number, at: (i: number) => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[at(i) % ALNUM.length];
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function modInverse(a: number, m: number): number {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

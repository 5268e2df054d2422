/**
 * Flipkart's identifiers for sandbox records, derived from the records themselves (the
 * truth renderer gets only the order and the store; the seller id carries the seed).
 * Shaped like real ones: order `OD` + 18 digits ending in 000, order items the first 15
 * of those digits plus a 2-digit line number. The middle 10 digits are a reversible
 * scramble of the order index, so lookups by order id need no table.
 */
import type { Product } from '../world/catalog.ts';
import type { Lifecycle } from '../world/lifecycle.ts';
import { hashKeys } from '../world/random.ts';
import type { StoreDef } from '../world/stores.ts';

const MOD = 10_000_000_000n;
const SCRAMBLE = 7_919_731_213n; // odd and not a multiple of 5: invertible modulo 10^10
const UNSCRAMBLE = modInverse(SCRAMBLE, MOD);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const ORDER_ID = /^OD(\d{2})(\d{10})(\d{3})000$/;

function core(store: StoreDef, order: Lifecycle): string {
  const prefix = 10 + (hashKeys(store.accountId, 'od-prefix') % 90);
  const middle = (BigInt(order.index) * SCRAMBLE + offset(store)) % MOD;
  const check = hashKeys(store.accountId, order.index, order.placedAt, 'od-check') % 1000;
  return `${prefix}${pad(middle, 10)}${pad(check, 3)}`;
}

export function flipkartOrderId(store: StoreDef, order: Lifecycle): string {
  return `OD${core(store, order)}000`;
}

export function flipkartOrderItemId(store: StoreDef, order: Lifecycle, line: number): string {
  return `${core(store, order)}${pad(line - 1, 2)}`;
}

/** The order index an id names, if it could be one of this store's (verify by re-rendering). */
export function orderIndexOf(store: StoreDef, orderId: string): number | undefined {
  const match = ORDER_ID.exec(orderId);
  if (!match) return undefined;
  const shifted = (BigInt(match[2] as string) - offset(store) + MOD) % MOD;
  return Number((shifted * UNSCRAMBLE) % MOD);
}

/** UUID-shaped, one shipment per order. */
export function shipmentIdOf(store: StoreDef, order: Lifecycle): string {
  const hex = code(32, HEX, (i) => hashKeys(store.accountId, order.index, order.placedAt, 'shipment', i));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Flipkart Serial Number: the catalog product id (`product_id` in listings, `fsn` on items). */
export function fsnOf(store: StoreDef, product: Product): string {
  return `${product.baseSku.slice(0, 3)}${code(13, ALNUM, (i) => hashKeys(store.accountId, product.baseSku, 'fsn', i))}`;
}

export function listingIdOf(store: StoreDef, product: Product): string {
  return `LST${fsnOf(store, product)}${code(6, ALNUM, (i) => hashKeys(store.accountId, product.baseSku, 'lst', i))}`;
}

/** The seller's one dispatch location. */
export function locationIdOf(store: StoreDef): string {
  return `LOC${code(32, HEX, (i) => hashKeys(store.accountId, 'location', i))}`;
}

export function returnIdOf(store: StoreDef, order: Lifecycle): string {
  return `1${code(16, '0123456789', (i) => hashKeys(store.accountId, order.index, order.placedAt, 'return', i))}`;
}

export function trackingIdOf(store: StoreDef, order: Lifecycle): string {
  return `FMPR${code(10, '0123456789', (i) => hashKeys(store.accountId, order.index, 'tracking', i))}`;
}

function offset(store: StoreDef): bigint {
  return BigInt(hashKeys(store.accountId, 'od-offset')) % MOD;
}

function code(length: number, alphabet: string, at: (i: number) => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[at(i) % alphabet.length];
  return out;
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

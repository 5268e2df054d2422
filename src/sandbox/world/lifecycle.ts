/**
 * The marketplace-neutral story of one order: what was bought and when each step
 * happened. Every marketplace renders it in its own shape (Shopify financial and
 * fulfillment statuses, Flipkart item states, Amazon order status). A step after the
 * sandbox clock has not happened yet; mutations add steps at the clock.
 */

import type { ProductSpike } from './anomalies.ts';
import { type Listing, type listedOn, listPrice, type Product } from './catalog.ts';
import { cumulative, Random } from './random.ts';
import type { SandboxMarketplace, StoreDef } from './stores.ts';

export interface OrderLine {
  /** 1-based position in the order: the line's id within it. */
  line: number;
  product: Product;
  listing: Listing;
  quantity: number;
  unitMinor: number;
}

export interface Customer {
  firstName: string;
  lastName: string;
  email: string;
}

export interface Lifecycle {
  index: number;
  placedAt: number;
  lines: OrderLine[];
  paymentMethod: 'PREPAID' | 'COD';
  paidAt: number | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  cancelledAt: number | null;
  returnRequestedAt: number | null;
  returnedAt: number | null;
  /** Line (1-based) that comes back when the order is returned. */
  returnLine: number;
  refundedAt: number | null;
  refundMinor: number;
  /** An edit that changes no status (a note, an address): bumps updated-at only. */
  touchedAt: number | null;
  customer: Customer | null;
}

export const STEP_FIELDS = [
  'placedAt',
  'paidAt',
  'shippedAt',
  'deliveredAt',
  'cancelledAt',
  'returnRequestedAt',
  'returnedAt',
  'refundedAt',
  'touchedAt',
] as const;

const MIX: Record<
  SandboxMarketplace,
  { cancel: number; ret: number; refundOnly: number; cod: number; pending: number }
> = {
  shopify: { cancel: 0.04, ret: 0.05, refundOnly: 0.02, cod: 0, pending: 0.03 },
  flipkart: { cancel: 0.09, ret: 0.14, refundOnly: 0, cod: 0.4, pending: 0 },
  amazon: { cancel: 0.03, ret: 0.07, refundOnly: 0.01, cod: 0.05, pending: 0.02 },
};

const LINE_COUNTS = cumulative([30, 25, 20, 15, 10]); // 1..5 lines, 2.5 on average
const QUANTITIES = cumulative([75, 18, 7]);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST = [
  'Aarav',
  'Priya',
  'Rohan',
  'Ananya',
  'James',
  'Emily',
  'Lukas',
  'Sofia',
  'Zoë',
  'José',
  'Siobhán',
  'Mei',
];
const LAST = [
  'Sharma',
  'Iyer',
  'Khan',
  'Patel',
  'Smith',
  'Müller',
  'García',
  'O\u2019Brien',
  'Nguyễn',
  'Das',
  'Chen',
  'Reddy',
];

export interface StoreContext {
  seed: number;
  store: StoreDef;
  listed: ReturnType<typeof listedOn>;
  /** Planted return and cancellation spikes of this store (anomalies.ts). */
  spikes?: readonly ProductSpike[];
  /** Planted large orders of this store: the day's start, and its worth in median orders. */
  largeOrders?: readonly { fromMs: number; factor: number }[];
}

/**
 * Whether the order is cancelled as of the clock: the sandbox's one rule, which every
 * marketplace renders in its own words and the ground truth reports as is.
 */
export function isCancelled(order: Lifecycle): boolean {
  return order.cancelledAt !== null;
}

/**
 * The order as generated, with every step after `horizon` left out; `scale`: a planted
 * large order's factor on its units (it is not cancelled).
 */
export function generateLifecycle(
  ctx: StoreContext,
  index: number,
  placedAt: number,
  horizon: number,
  scale = 1,
): Lifecycle {
  const { seed, store, listed } = ctx;
  const r = new Random(seed, store.key, index, 'order');
  const mix = MIX[store.marketplace];
  const lineCount = Math.min(r.weighted(LINE_COUNTS) + 1, listed.products.length);
  const lines: OrderLine[] = [];
  const used = new Set<number>();
  while (lines.length < lineCount) {
    const product = listed.products[r.weighted(listed.cumulative)] as Product;
    if (used.has(product.index)) continue;
    used.add(product.index);
    const listing = product.listings[store.marketplace] as Listing;
    lines.push({
      line: lines.length + 1,
      product,
      listing,
      quantity: (r.weighted(QUANTITIES) + 1) * scale,
      unitMinor: listPrice(listing.priceMinor, store.currency),
    });
  }
  const at = (t: number) => (t <= horizon ? t : null);
  const cod = r.chance(mix.cod);
  const pending = r.chance(mix.pending);
  const prepaidAt = cod || pending ? null : at(placedAt + r.int(1, 30) * MINUTE);
  const spiked = (kind: ProductSpike['kind'], fromMs: (x: ProductSpike) => number, toMs: (x: ProductSpike) => number) =>
    ctx.spikes?.find(
      (x) =>
        x.kind === kind &&
        placedAt >= fromMs(x) &&
        placedAt < toMs(x) &&
        lines.some((l) => l.product.index === x.productIndex),
    );
  // a planted cancellation spike: the product's orders of those days are cancelled far more
  // often, and soon (whole, as every cancellation here: the products bought with it too)
  const cancelSpike = spiked(
    'cancel_spike',
    (x) => x.fromMs,
    (x) => x.toMs,
  );
  const cancelled = r.chance(cancelSpike ? cancelSpike.rate : mix.cancel) && scale === 1;
  const cancelledAt = cancelled ? at(placedAt + r.int(1, cancelSpike ? 12 : 48) * HOUR) : null;
  const shippedAt = cancelled || pending ? null : at(placedAt + r.int(12, 72) * HOUR);
  const deliveredAt = shippedAt === null ? null : at(shippedAt + r.int(1, 6) * DAY + r.int(0, 600) * MINUTE);
  // cash on delivery is paid when it is delivered
  const paidAt = cod ? deliveredAt : prepaidAt;
  // a planted return spike: the product's orders delivered by its end (placed up to two weeks
  // before it) come back far more often, within its days, and it is the line returned
  const spike =
    deliveredAt === null
      ? undefined
      : spiked(
          'return_spike',
          (x) => x.fromMs - 14 * DAY,
          (x) => x.toMs,
        );
  // when it can come back: from the spike's start (or its delivery, if later) to its end
  const backFrom = spike && deliveredAt !== null ? Math.max(spike.fromMs, deliveredAt + HOUR) : 0;
  const returnSpike = spike && backFrom < spike.toMs ? spike : undefined;
  const returning = deliveredAt !== null && r.chance(returnSpike ? returnSpike.rate : mix.ret);
  // planted: come back on a day of the spike (asked for up to two days before, not before
  // it), so each marketplace dates it within the spike however it dates returns
  const spikeReturn =
    returning && returnSpike
      ? backFrom + r.int(0, Math.floor((returnSpike.toMs - backFrom) / MINUTE) - 1) * MINUTE
      : null;
  const returnRequestedAt =
    !returning || deliveredAt === null
      ? null
      : spikeReturn !== null
        ? at(Math.max(backFrom, spikeReturn - r.int(0, 48) * HOUR))
        : at(deliveredAt + r.int(1, 10) * DAY);
  const returnedAt =
    returnRequestedAt === null
      ? null
      : spikeReturn !== null
        ? at(spikeReturn)
        : at(returnRequestedAt + r.int(3, 10) * DAY);
  const drawnLine = r.int(1, lines.length);
  const returnLine = returnSpike
    ? (lines.find((l) => l.product.index === returnSpike.productIndex)?.line ?? drawnLine)
    : drawnLine;
  const lineTotal = (n: number) => {
    const l = lines[n - 1] as OrderLine;
    return l.unitMinor * l.quantity;
  };
  let refundedAt: number | null = null;
  let refundMinor = 0;
  if (returnedAt !== null) {
    refundedAt = at(returnedAt + r.int(0, 48) * HOUR);
    refundMinor = refundedAt === null ? 0 : lineTotal(returnLine);
  } else if (deliveredAt !== null && r.chance(mix.refundOnly)) {
    refundedAt = at(deliveredAt + r.int(1, 5) * DAY);
    refundMinor = refundedAt === null ? 0 : Math.round(totalMinor(lines) * (0.1 + r.next() * 0.2));
  }
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const customer = r.chance(0.03)
    ? null
    : { firstName: first, lastName: last, email: `${ascii(first)}.${ascii(last)}${index % 97}@example.com` };
  return {
    index,
    placedAt,
    lines,
    paymentMethod: cod ? 'COD' : 'PREPAID',
    paidAt,
    shippedAt,
    deliveredAt,
    cancelledAt,
    returnRequestedAt,
    returnedAt,
    returnLine,
    refundedAt,
    refundMinor,
    touchedAt: null,
    customer,
  };
}

export function totalMinor(lines: readonly OrderLine[]): number {
  let sum = 0;
  for (const l of lines) sum += l.unitMinor * l.quantity;
  return sum;
}

export function updatedAt(o: Lifecycle): number {
  let latest = o.placedAt;
  for (const f of STEP_FIELDS) {
    const t = o[f];
    if (t !== null && t > latest) latest = t;
  }
  return latest;
}

export type MutationKind = 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'return' | 'returned' | 'refund' | 'touch';

/** The next thing that can happen to an order, taken at time `t`. */
export function advanceLifecycle(o: Lifecycle, t: number, r: Random): { next: Lifecycle; kind: MutationKind } {
  const next: Lifecycle = { ...o };
  const total = totalMinor(o.lines);
  if (o.cancelledAt !== null || o.returnedAt !== null) {
    next.touchedAt = t;
    return { next, kind: 'touch' };
  }
  if (o.shippedAt === null) {
    if (r.chance(0.3)) {
      next.cancelledAt = t;
      return { next, kind: 'cancelled' };
    }
    if (o.paidAt === null && o.paymentMethod === 'PREPAID') {
      next.paidAt = t;
      return { next, kind: 'paid' };
    }
    next.shippedAt = t;
    return { next, kind: 'shipped' };
  }
  if (o.deliveredAt === null) {
    next.deliveredAt = t;
    if (o.paymentMethod === 'COD' && o.paidAt === null) next.paidAt = t;
    return { next, kind: 'delivered' };
  }
  if (o.returnRequestedAt !== null) {
    next.returnedAt = t;
    next.refundedAt = t;
    const line = o.lines[o.returnLine - 1] as OrderLine;
    next.refundMinor = line.unitMinor * line.quantity;
    return { next, kind: 'returned' };
  }
  if (o.refundedAt === null && r.chance(0.5)) {
    next.refundedAt = t;
    next.refundMinor = Math.round(total * 0.2);
    return { next, kind: 'refund' };
  }
  next.returnRequestedAt = t;
  return { next, kind: 'return' };
}

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

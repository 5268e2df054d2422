/**
 * What a sandbox order costs the buyer, part by part, the same for every marketplace
 * (each renders it in its own fields): per line the price times the quantity, an
 * automatic discount on about a fifth of the lines, a discount code on about a tenth of
 * the orders (10% of the order, allocated to its lines in proportion), and tax on what
 * is left; per order shipping (free above a threshold) with its tax. Net sales are the
 * lines after all their discounts; what the buyer pays is net sales + shipping + tax.
 *
 * Flipkart's prices include GST and its order API states no tax apart, so the sandbox
 * charges no separate tax there (its net sales are GST-inclusive, as sellers see them).
 * Drawn from hashes of the store and the order, never from the order's random stream,
 * so the statuses and dates the world already generates do not move.
 */
import type { Lifecycle, OrderLine } from './lifecycle.ts';
import { hashKeys } from './random.ts';
import type { StoreDef } from './stores.ts';

export interface LineMoney {
  line: OrderLine;
  /** Unit price × quantity, before discounts. */
  grossMinor: number;
  /** The line's own (automatic) discount, and its share of the order's discount code. */
  lineDiscountMinor: number;
  codeDiscountMinor: number;
  discountMinor: number;
  /** Gross − discount: the line's net sales. */
  netMinor: number;
  taxMinor: number;
}

export interface OrderMoney {
  lines: LineMoney[];
  /** The discount code the buyer used, if any. */
  code: string | null;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  shippingMinor: number;
  shippingTaxMinor: number;
  /** Tax on the lines and on shipping. */
  taxMinor: number;
  /** What the buyer pays: net + shipping + tax. */
  collectedMinor: number;
}

/** Tax charged on top of the price, per currency (US sales tax, GST, VAT), in basis points. */
const TAX_BP: Record<string, number> = { USD: 825, INR: 1800, EUR: 1900, GBP: 2000 };
/** Flat shipping fee and the net sales from which shipping is free, in minor units. */
const SHIPPING: Record<string, { fee: number; freeFrom: number }> = {
  USD: { fee: 599, freeFrom: 7500 },
  INR: { fee: 7900, freeFrom: 149900 },
  EUR: { fee: 490, freeFrom: 6000 },
  GBP: { fee: 399, freeFrom: 5000 },
};

/** Whole rupees for INR (as Indian marketplaces price), else the minor unit. */
const roundFor = (currency: string, minor: number) =>
  currency === 'INR' ? Math.round(minor / 100) * 100 : Math.round(minor);

export function taxRateBp(store: StoreDef): number {
  return store.marketplace === 'flipkart' ? 0 : (TAX_BP[store.currency] ?? 0);
}

export function orderMoney(order: Lifecycle, store: StoreDef): OrderMoney {
  const c = store.currency;
  const rate = taxRateBp(store);
  const automatic = order.lines.map((line) => {
    const grossMinor = line.unitMinor * line.quantity;
    const draw = hashKeys(store.key, order.index, line.line, 'discount') % 100;
    const percent = draw < 12 ? 10 : draw < 20 ? 15 : 0;
    return { line, grossMinor, lineDiscountMinor: roundFor(c, (grossMinor * percent) / 100) };
  });
  // a code takes 10% off what the automatic discounts left, each line its share, the last the rest
  const code = hashKeys(store.key, order.index, 'code') % 100 < 10 ? 'WELCOME10' : null;
  const base = automatic.reduce((n, l) => n + l.grossMinor - l.lineDiscountMinor, 0);
  const codeMinor = code ? roundFor(c, base / 10) : 0;
  let allocated = 0;
  const lines = automatic.map((l, i): LineMoney => {
    const share =
      i === automatic.length - 1
        ? codeMinor - allocated
        : roundFor(c, ((l.grossMinor - l.lineDiscountMinor) * codeMinor) / (base || 1));
    allocated += share;
    const discountMinor = l.lineDiscountMinor + share;
    const netMinor = l.grossMinor - discountMinor;
    return {
      ...l,
      codeDiscountMinor: share,
      discountMinor,
      netMinor,
      taxMinor: Math.round((netMinor * rate) / 10_000),
    };
  });
  const sum = (f: (l: LineMoney) => number) => lines.reduce((n, l) => n + f(l), 0);
  const netMinor = sum((l) => l.netMinor);
  const shipping = SHIPPING[c] ?? { fee: 0, freeFrom: 0 };
  const shippingMinor = netMinor >= shipping.freeFrom ? 0 : shipping.fee;
  const shippingTaxMinor = Math.round((shippingMinor * rate) / 10_000);
  const taxMinor = sum((l) => l.taxMinor) + shippingTaxMinor;
  return {
    lines,
    code,
    grossMinor: sum((l) => l.grossMinor),
    discountMinor: sum((l) => l.discountMinor),
    netMinor,
    shippingMinor,
    shippingTaxMinor,
    taxMinor,
    collectedMinor: netMinor + shippingMinor + taxMinor,
  };
}

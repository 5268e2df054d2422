/**
 * Amazon orders → unified rows, from either source the client reads: the rows of the
 * all-orders flat file (one per order item, the backfill) or a 2026-01-01 searchOrders
 * order (deltas). Both are checked (zod) and reduced to the same facts, and one
 * function builds the row, so an order reads the same whichever way it came.
 *
 * Source status: kept in the words of the current Orders API (`fulfillmentStatus`);
 * the flat file's words are translated ("Pending" → PENDING, "Shipped - Delivered to
 * Buyer" → SHIPPED, delivered). The flat file cannot tell PENDING_AVAILABILITY
 * (pre-orders) from PENDING: the client re-reads those orders from searchOrders.
 *
 * Status rule (API-FACTS "Status mapping"):
 *   PENDING, PENDING_AVAILABILITY                         → PENDING
 *   UNSHIPPED                                             → CONFIRMED
 *   SHIPPED, PARTIALLY_SHIPPED (policy), INVOICE_UNCONFIRMED:
 *     merchant-fulfilled and every package delivered      → DELIVERED
 *     otherwise                                           → SHIPPED
 *   CANCELLED, UNFULFILLABLE (it will not ship)           → CANCELLED
 *   any other word                                        → quarantined (an API change)
 * Returns are not in orders: RETURNED comes from the returns reports only.
 *
 * Items: Amazon's report rows carry no order-item id, so an item is identified within
 * its order by its SKU (the ASIN when it has none) on both paths; the returns reports
 * name items the same way. No buyer data is read: the flat file's ship-to columns are
 * ignored, and not kept with a quarantined order either.
 *
 * Money per item: the price for its quantity (report `item-price`, getOrderItems'
 * ItemPrice, proceeds ITEM; searchOrders' unit price × quantity), promotions (report
 * `item-promotion-discount`, written negative; proceeds DISCOUNT, negative), shipping
 * (`shipping-price` less `ship-promotion-discount`; proceeds SHIPPING) and tax (item
 * and shipping tax; proceeds TAX). Net sales (revenue) = price − promotions; total
 * collected = net sales + shipping + tax (proceeds: its proceedsTotal, which also holds
 * gift wrap and COD fees). A searchOrders order read without PROCEEDS (the client always
 * asks for it) states no promotions, tax or shipping: its net sales are its prices, its
 * total the same, its tax and shipping unknown (null). An order's figures count its
 * items not cancelled, or all of them when every one is.
 */
import { z } from 'zod';
import { addDecimal, divideRounded, multiplyDecimal, subtractDecimal } from '../../currency/decimal.ts';
import type { OrderStatus } from '../../db/enums.ts';
import { normalizeSku } from '../../sync/normalize-sku.ts';
import type { OrderRow } from '../../sync/unified-rows.ts';
import type { QuarantinedRecord } from '../marketplace-client.ts';

export type Mapped = { row: OrderRow } | { quarantined: QuarantinedRecord };

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'expected a decimal amount');
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code');
const signed = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount');
/** A report amount: empty where it does not apply. */
const reportAmount = z
  .string()
  .regex(/^(-?\d+(\.\d+)?)?$/, 'expected a decimal amount')
  .optional();
const dateTime = z.iso.datetime({ offset: true });

/** The flat-file columns the mapper reads (all others, buyer data included, are ignored). */
const reportRowSchema = z.object({
  'amazon-order-id': z.string().min(1),
  'purchase-date': dateTime,
  'last-updated-date': dateTime,
  'order-status': z.string().min(1),
  'fulfillment-channel': z.string(),
  'product-name': z.string(),
  sku: z.string(),
  asin: z.string(),
  'item-status': z.string(),
  quantity: z.coerce.number().int().min(0),
  currency,
  'item-price': decimal,
  'item-tax': reportAmount,
  'shipping-price': reportAmount,
  'shipping-tax': reportAmount,
  'item-promotion-discount': reportAmount,
  'ship-promotion-discount': reportAmount,
});

const proceedsMoney = z.object({ amount: signed, currencyCode: currency });
const proceedsSchema = z.object({
  proceedsTotal: proceedsMoney.nullish(),
  breakdowns: z
    .array(
      z.object({
        type: z.string(),
        subtotal: proceedsMoney,
        detailedBreakdowns: z.array(z.object({ subtype: z.string().nullish(), value: proceedsMoney })).nullish(),
      }),
    )
    .nullish(),
});

const apiOrderSchema = z.object({
  orderId: z.string().min(1),
  createdTime: dateTime,
  lastUpdatedTime: dateTime,
  fulfillment: z.object({ fulfillmentStatus: z.string().min(1), fulfilledBy: z.string().nullish() }),
  orderItems: z
    .array(
      z.object({
        orderItemId: z.string().min(1),
        quantityOrdered: z.number().int().min(0),
        product: z.object({
          asin: z.string().min(1),
          sellerSku: z.string().nullish(),
          title: z.string().nullish(),
          price: z.object({ unitPrice: z.object({ amount: decimal, currencyCode: currency }) }),
        }),
        proceeds: proceedsSchema.nullish(),
      }),
    )
    .min(1),
  packages: z.array(z.object({ packageStatus: z.object({ status: z.string() }).nullish() })).nullish(),
});

const UNIFIED: Record<string, OrderStatus> = {
  PENDING: 'PENDING',
  PENDING_AVAILABILITY: 'PENDING',
  UNSHIPPED: 'CONFIRMED',
  PARTIALLY_SHIPPED: 'SHIPPED',
  SHIPPED: 'SHIPPED',
  INVOICE_UNCONFIRMED: 'SHIPPED',
  CANCELLED: 'CANCELLED',
  UNFULFILLABLE: 'CANCELLED',
};

/** The facts both sources reduce to. */
interface OrderFacts {
  orderId: string;
  createdTime: string;
  lastUpdatedTime: string;
  /** In searchOrders' words. */
  status: string;
  merchantFulfilled: boolean;
  delivered: boolean;
  items: {
    sku: string | null;
    asin: string;
    title: string;
    quantity: number;
    /** Price for the quantity, before promotions. */
    lineTotal: string;
    /** Promotions on the item (positive). */
    discount: string;
    /** Shipping after its promotions, and all tax, where the source states them. */
    shipping: string | null;
    tax: string | null;
    /** What the buyer paid for the item, where stated apart from the parts. */
    collected: string | null;
    currency: string;
    cancelled: boolean;
    sourceStatus: string;
  }[];
}

/** A flat-file order-status in searchOrders' words, and whether it says delivered. */
export function reportStatus(text: string): { status: string; delivered: boolean } {
  const t = text.trim().toLowerCase();
  if (t === 'shipped - delivered to buyer') return { status: 'SHIPPED', delivered: true };
  if (t.startsWith('shipped') || t === 'shipping') return { status: 'SHIPPED', delivered: false };
  if (t.startsWith('pending')) return { status: 'PENDING', delivered: false };
  if (t === 'cancelled' || t === 'canceled') return { status: 'CANCELLED', delivered: false };
  // the other words as searchOrders spells them: "PartiallyShipped" → PARTIALLY_SHIPPED
  const words = text
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z]+/g, '_');
  return { status: words.toUpperCase(), delivered: false };
}

/** The columns read: all a quarantined order keeps of its rows (the ship-to ones are personal data). */
const READ_COLUMNS = Object.keys(reportRowSchema.shape);
const readColumns = (rows: Record<string, string>[]) =>
  rows.map((r) => Object.fromEntries(READ_COLUMNS.filter((c) => c in r).map((c) => [c, r[c]])));

/** One order from its contiguous flat-file rows (already split into columns by header). */
export function mapReportOrder(orderId: string, rows: Record<string, string>[]): Mapped {
  const kept = readColumns(rows);
  const parsed = [];
  for (const raw of rows) {
    const row = reportRowSchema.safeParse(raw);
    if (!row.success) return quarantine(orderId, 'report row', row.error, kept);
    parsed.push(row.data);
  }
  const first = parsed[0];
  if (!first) return { quarantined: { externalId: orderId, reason: 'report: no rows', payload: kept } };
  const status = reportStatus(first['order-status']);
  return build(
    {
      orderId,
      createdTime: first['purchase-date'],
      lastUpdatedTime: parsed.reduce(
        (max, r) => (Date.parse(r['last-updated-date']) > Date.parse(max) ? r['last-updated-date'] : max),
        first['last-updated-date'],
      ),
      status: status.status,
      merchantFulfilled: first['fulfillment-channel'].toLowerCase() === 'merchant',
      delivered: status.delivered,
      items: parsed.map((r) => ({
        sku: r.sku || null,
        asin: r.asin,
        title: r['product-name'],
        quantity: r.quantity,
        lineTotal: r['item-price'],
        discount: positive(r['item-promotion-discount']),
        shipping: subtractDecimal(amountOr0(r['shipping-price']), positive(r['ship-promotion-discount'])),
        tax: addDecimal(amountOr0(r['item-tax']), amountOr0(r['shipping-tax'])),
        collected: null,
        currency: r.currency,
        cancelled: r['item-status'].toLowerCase().startsWith('cancel'),
        sourceStatus: r['item-status'],
      })),
    },
    kept,
  );
}

/** One searchOrders (2026-01-01) order, read with includedData FULFILLMENT, PROCEEDS and PACKAGES. */
export function mapApiOrder(raw: unknown): Mapped {
  const externalId =
    raw && typeof raw === 'object' && typeof (raw as { orderId?: unknown }).orderId === 'string'
      ? (raw as { orderId: string }).orderId
      : null;
  const parsed = apiOrderSchema.safeParse(raw);
  if (!parsed.success) return quarantine(externalId, 'order', parsed.error, raw);
  const o = parsed.data;
  const status = o.fulfillment.fulfillmentStatus;
  const merchantFulfilled = o.fulfillment.fulfilledBy === 'MERCHANT';
  const packages = o.packages ?? [];
  return build(
    {
      orderId: o.orderId,
      createdTime: o.createdTime,
      lastUpdatedTime: o.lastUpdatedTime,
      status,
      merchantFulfilled,
      delivered: packages.length > 0 && packages.every((p) => p.packageStatus?.status === 'DELIVERED'),
      items: o.orderItems.map((i) => ({
        sku: i.product.sellerSku || null,
        asin: i.product.asin,
        title: i.product.title ?? i.product.sellerSku ?? i.product.asin,
        quantity: i.quantityOrdered,
        ...proceedsParts(multiplyDecimal(i.product.price.unitPrice.amount, i.quantityOrdered), i.proceeds),
        currency: i.product.price.unitPrice.currencyCode,
        cancelled: status === 'CANCELLED',
        sourceStatus: status,
      })),
    },
    raw,
  );
}

function build(f: OrderFacts, payload: unknown): Mapped {
  const unified = UNIFIED[f.status];
  if (!unified) {
    return { quarantined: { externalId: f.orderId, reason: `unknown order status ${f.status}`, payload } };
  }
  const currency = f.items[0]?.currency as string;
  if (f.items.some((i) => i.currency !== currency)) {
    return { quarantined: { externalId: f.orderId, reason: 'items in more than one currency', payload } };
  }
  const status: OrderStatus =
    unified === 'SHIPPED' && f.merchantFulfilled && f.delivered && f.status !== 'PARTIALLY_SHIPPED'
      ? 'DELIVERED'
      : unified;
  const seen = new Map<string, number>();
  const live = f.items.filter((i) => !i.cancelled && status !== 'CANCELLED');
  const counted = live.length > 0 ? live : f.items;
  const sum = (part: (i: OrderFacts['items'][number]) => string | null) =>
    counted.some((i) => part(i) === null) ? null : counted.reduce((n, i) => addDecimal(n, part(i) as string), '0');
  const netOf = (i: OrderFacts['items'][number]) => subtractDecimal(i.lineTotal, i.discount);
  const netSales = sum(netOf) as string;
  const shipping = sum((i) => i.shipping);
  const tax = sum((i) => i.tax);
  const collectedOf = (i: OrderFacts['items'][number]) =>
    i.collected ?? addDecimal(addDecimal(netOf(i), i.shipping ?? '0'), i.tax ?? '0');
  const items = f.items.map((i) => {
    const key = i.sku ?? i.asin;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return {
      externalItemId: n === 1 ? key : `${key}#${n}`,
      externalProductId: i.sku,
      title: i.title,
      sku: i.sku,
      normalizedSku: normalizeSku(i.sku),
      quantity: i.quantity,
      unitPrice: i.quantity > 0 ? divideRounded(i.lineTotal, String(i.quantity)) : i.lineTotal,
      totalPrice: i.lineTotal,
      discountAmount: i.discount,
      netSales: netOf(i),
      taxAmount: i.tax,
      currency: i.currency,
      sourceStatus: i.sourceStatus,
      isCancelled: i.cancelled || status === 'CANCELLED',
      isReturned: false,
      returnedQuantity: 0,
      returnedAt: null,
    };
  });
  const updated = new Date(f.lastUpdatedTime);
  return {
    row: {
      externalOrderId: f.orderId,
      orderNumber: f.orderId,
      status,
      sourceStatus: f.status,
      currency,
      itemSales: sum((i) => i.lineTotal),
      discountAmount: sum((i) => i.discount),
      netSales,
      shippingAmount: shipping,
      taxAmount: tax,
      totalAmount: sum(collectedOf) as string,
      totalAmountUSD: null,
      netSalesUSD: null,
      fxFlag: null,
      isRefunded: false,
      refundedAmount: null,
      hasReturn: false,
      orderedAt: new Date(f.createdTime),
      fulfilledAt: null,
      cancelledAt: status === 'CANCELLED' ? updated : null,
      sourceUpdatedAt: updated,
      items,
    },
  };
}

const amountOr0 = (text: string | undefined) => (text ? text : '0');
/** A promotion as a positive amount, however the source signs it. */
const positive = (text: string | undefined) => amountOr0(text).replace(/^-/, '');

type ItemMoney = Pick<OrderFacts['items'][number], 'lineTotal' | 'discount' | 'shipping' | 'tax' | 'collected'>;

/** An item's money from its 2026-01-01 proceeds; without them, only its price is known. */
function proceedsParts(
  priceForQuantity: string,
  proceeds: z.infer<typeof proceedsSchema> | null | undefined,
): ItemMoney {
  const breakdowns = proceeds?.breakdowns;
  if (!breakdowns?.length)
    return { lineTotal: priceForQuantity, discount: '0', shipping: null, tax: null, collected: null };
  let item: string | undefined;
  let discount = '0';
  let shipping = '0';
  let tax = '0';
  for (const b of breakdowns) {
    const amount = b.subtotal.amount;
    if (b.type === 'ITEM') item = addDecimal(item ?? '0', amount);
    else if (b.type === 'SHIPPING') shipping = addDecimal(shipping, amount);
    else if (b.type === 'TAX') tax = addDecimal(tax, amount);
    else if (b.type === 'DISCOUNT') {
      // a shipping promotion lowers the shipping, any other the items
      const details = b.detailedBreakdowns ?? [];
      const onShipping = details
        .filter((d) => d.subtype === 'SHIPPING')
        .reduce((n, d) => addDecimal(n, positive(d.value.amount)), '0');
      shipping = subtractDecimal(shipping, onShipping);
      discount = addDecimal(discount, subtractDecimal(positive(amount), onShipping));
    }
  }
  return {
    lineTotal: item ?? priceForQuantity,
    discount,
    shipping,
    tax,
    collected: proceeds?.proceedsTotal?.amount ?? null,
  };
}

function quarantine(externalId: string | null, what: string, error: z.ZodError, payload: unknown): Mapped {
  const reason = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
    .join('; ');
  return { quarantined: { externalId, reason: `${what}: ${reason}`, payload } };
}

/**
 * Shopify order → unified row. The record is checked first (zod): one with wrong
 * types, missing money or unreadable dates is quarantined with the reason, never
 * half-written.
 *
 * Status rule (API-FACTS "Status mapping"), first match wins:
 *   cancelledAt set                                   → CANCELLED
 *   returnStatus RETURNED or INSPECTION_COMPLETE      → RETURNED
 *   fulfilled (FULFILLED; PARTIALLY_FULFILLED by policy):
 *     every fulfillment delivered                     → DELIVERED
 *     otherwise                                       → SHIPPED
 *   paid (PAID, PARTIALLY_REFUNDED, REFUNDED)         → CONFIRMED
 *   otherwise (PENDING, AUTHORIZED, PARTIALLY_PAID…)  → PENDING
 * A refund without a return is a flag (isRefunded, refundedAmount), not RETURNED; a
 * return requested or in progress sets hasReturn and leaves the status as shipped.
 * The source status kept on the row is "<financial>/<fulfillment>", or CANCELLED.
 *
 * Returned units per line: the quantities of the order's CLOSED returns (the units came
 * back), per line item; a return only requested, open, declined or cancelled adds none.
 *
 * Money, as placed (before returns; refunds are kept apart): net sales (revenue) are
 * `subtotalPriceSet`, the lines after all discounts, less `totalTaxSet` when the shop's
 * prices include tax (`taxesIncluded`; shipping's tax then counts as the items'); total
 * collected is `totalPriceSet`; discounts, shipping and tax are Shopify's own totals.
 * A line's net sales are its price × quantity less its `discountAllocations` (every
 * discount allocated to it, a discount code's share included; `discountedTotalSet`
 * leaves code-based and order-level discounts out, so it is only the fallback).
 */
import { z } from 'zod';
import { addDecimal, multiplyDecimal, subtractDecimal } from '../../currency/decimal.ts';
import type { OrderStatus } from '../../db/enums.ts';
import { normalizeSku } from '../../sync/normalize-sku.ts';
import type { OrderItemRow, OrderRow } from '../../sync/unified-rows.ts';
import type { QuarantinedRecord } from '../marketplace-client.ts';

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount');
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code');
const dateTime = z.iso.datetime({ offset: true });

const moneySet = z.object({ shopMoney: z.object({ amount: decimal }) });

const lineItemSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  quantity: z.number().int().min(0),
  sku: z.string().nullish(),
  originalUnitPriceSet: z.object({ shopMoney: z.object({ amount: decimal, currencyCode: currency }) }),
  discountedTotalSet: moneySet.nullish(),
  discountAllocations: z.array(z.object({ allocatedAmountSet: moneySet })).nullish(),
  variant: z.object({ id: z.string(), sku: z.string().nullish() }).nullish(),
});

const orderSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  createdAt: dateTime,
  updatedAt: dateTime,
  cancelledAt: dateTime.nullish(),
  displayFinancialStatus: z.string().nullish(),
  displayFulfillmentStatus: z.string(),
  returnStatus: z.string().nullish(),
  totalPriceSet: z.object({ shopMoney: z.object({ amount: decimal, currencyCode: currency }) }),
  taxesIncluded: z.boolean().nullish(),
  subtotalPriceSet: moneySet.nullish(),
  totalDiscountsSet: moneySet.nullish(),
  totalShippingPriceSet: moneySet.nullish(),
  totalTaxSet: moneySet.nullish(),
  totalRefundedSet: z.object({ shopMoney: z.object({ amount: decimal }) }).nullish(),
  fulfillments: z
    .array(z.object({ createdAt: dateTime, deliveredAt: dateTime.nullish(), displayStatus: z.string().nullish() }))
    .nullish(),
});

const returnSchema = z.object({
  status: z.string(),
  /** When the units came back (the return closed). */
  closedAt: z.string().datetime({ offset: true }).nullish(),
  returnLineItems: z.array(
    z.object({
      quantity: z.number().int().min(0),
      fulfillmentLineItem: z.object({ lineItem: z.object({ id: z.string() }).nullish() }).nullish(),
    }),
  ),
});

type ShopifyOrder = z.infer<typeof orderSchema>;
type ShopifyLineItem = z.infer<typeof lineItemSchema>;

export type Mapped<Row> = { row: Row } | { quarantined: QuarantinedRecord };

const PAID = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const FULFILLED = new Set(['FULFILLED', 'PARTIALLY_FULFILLED']);
const RETURNED = new Set(['RETURNED', 'INSPECTION_COMPLETE']);
const RETURN_OPEN = new Set(['RETURN_REQUESTED', 'IN_PROGRESS', 'RETURNED', 'INSPECTION_COMPLETE']);

export function shopifyOrderStatus(o: ShopifyOrder): OrderStatus {
  if (o.cancelledAt) return 'CANCELLED';
  if (o.returnStatus && RETURNED.has(o.returnStatus)) return 'RETURNED';
  if (FULFILLED.has(o.displayFulfillmentStatus)) {
    const fulfillments = o.fulfillments ?? [];
    const delivered =
      fulfillments.length > 0 && fulfillments.every((f) => f.deliveredAt || f.displayStatus === 'DELIVERED');
    return delivered && o.displayFulfillmentStatus === 'FULFILLED' ? 'DELIVERED' : 'SHIPPED';
  }
  if (o.displayFinancialStatus && PAID.has(o.displayFinancialStatus)) return 'CONFIRMED';
  return 'PENDING';
}

/**
 * `rawReturns`: the order's returns, each with its returned lines as a list
 * (`returnLineItems`), for orders whose returnStatus says units came back.
 */
export function mapShopifyOrder(rawOrder: unknown, rawItems: unknown[], rawReturns: unknown[] = []): Mapped<OrderRow> {
  const parsed = orderSchema.safeParse(rawOrder);
  const id = typeof (rawOrder as { id?: unknown })?.id === 'string' ? (rawOrder as { id: string }).id : null;
  const bad = (reason: string) => quarantine(id, reason, rawOrder, rawItems, rawReturns);
  if (!parsed.success) return bad(`order: ${issues(parsed.error)}`);
  const items: ShopifyLineItem[] = [];
  for (const raw of rawItems) {
    const item = lineItemSchema.safeParse(raw);
    if (!item.success) return bad(`line item: ${issues(item.error)}`);
    items.push(item.data);
  }
  // each line's units back, and when the last of them came back
  const returned = new Map<string, { quantity: number; at: Date | null }>();
  for (const raw of rawReturns) {
    const r = returnSchema.safeParse(raw);
    if (!r.success) return bad(`return: ${issues(r.error)}`);
    if (r.data.status !== 'CLOSED') continue;
    const closedAt = r.data.closedAt ? new Date(r.data.closedAt) : null;
    for (const line of r.data.returnLineItems) {
      const lineId = line.fulfillmentLineItem?.lineItem?.id;
      if (!lineId) continue;
      const seen = returned.get(lineId);
      const at = [seen?.at, closedAt].filter((d): d is Date => Boolean(d)).sort((a, b) => b.getTime() - a.getTime());
      returned.set(lineId, { quantity: (seen?.quantity ?? 0) + line.quantity, at: at[0] ?? null });
    }
  }
  const o = parsed.data;
  const money = o.totalPriceSet.shopMoney;
  const refunded = o.totalRefundedSet?.shopMoney.amount ?? '0';
  const financial = o.displayFinancialStatus ?? 'UNKNOWN';
  const firstFulfillment = (o.fulfillments ?? []).map((f) => f.createdAt).sort()[0];
  const lines = items.map((i) => mapLineItem(i, Boolean(o.cancelledAt), returned.get(i.id)));
  const tax = o.totalTaxSet?.shopMoney.amount ?? null;
  const subtotal = o.subtotalPriceSet?.shopMoney.amount;
  // without a subtotal (an older record), the lines' own sales after their discounts
  const netSales =
    subtotal === undefined
      ? lines.reduce((sum, l) => addDecimal(sum, l.netSales), '0')
      : o.taxesIncluded && tax !== null
        ? subtractDecimal(subtotal, tax)
        : subtotal;
  const discounts = o.totalDiscountsSet?.shopMoney.amount ?? null;
  return {
    row: {
      externalOrderId: o.id,
      orderNumber: o.name ?? null,
      status: shopifyOrderStatus(o),
      sourceStatus: o.cancelledAt ? 'CANCELLED' : `${financial}/${o.displayFulfillmentStatus}`,
      currency: money.currencyCode,
      itemSales: discounts === null ? null : addDecimal(netSales, discounts),
      discountAmount: discounts,
      netSales,
      shippingAmount: o.totalShippingPriceSet?.shopMoney.amount ?? null,
      taxAmount: tax,
      totalAmount: money.amount,
      totalAmountUSD: null,
      netSalesUSD: null,
      fxFlag: null,
      isRefunded: Number(refunded) > 0,
      refundedAmount: Number(refunded) > 0 ? refunded : null,
      hasReturn: Boolean(o.returnStatus && RETURN_OPEN.has(o.returnStatus)),
      orderedAt: new Date(o.createdAt),
      fulfilledAt: firstFulfillment ? new Date(firstFulfillment) : null,
      cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
      sourceUpdatedAt: new Date(o.updatedAt),
      items: lines,
    },
  };
}

function mapLineItem(
  i: ShopifyLineItem,
  cancelled: boolean,
  returned: { quantity: number; at: Date | null } | undefined,
): OrderItemRow {
  const returnedQuantity = Math.min(returned?.quantity ?? 0, i.quantity);
  const sku = i.sku || i.variant?.sku || null;
  const unit = i.originalUnitPriceSet.shopMoney;
  const gross = multiplyDecimal(unit.amount, i.quantity);
  const net = i.discountAllocations
    ? i.discountAllocations.reduce((n, a) => subtractDecimal(n, a.allocatedAmountSet.shopMoney.amount), gross)
    : (i.discountedTotalSet?.shopMoney.amount ?? gross);
  return {
    externalItemId: i.id,
    externalProductId: i.variant?.id ?? null,
    title: i.title,
    sku,
    normalizedSku: normalizeSku(sku),
    quantity: i.quantity,
    unitPrice: unit.amount,
    totalPrice: gross,
    discountAmount: subtractDecimal(gross, net),
    netSales: net,
    taxAmount: null,
    currency: unit.currencyCode,
    sourceStatus: null,
    isCancelled: cancelled,
    isReturned: returnedQuantity > 0,
    returnedQuantity,
    returnedAt: returnedQuantity > 0 ? (returned?.at ?? null) : null,
  };
}

function quarantine(
  externalId: string | null,
  reason: string,
  order: unknown,
  items: unknown[],
  returns: unknown[],
): Mapped<OrderRow> {
  return {
    quarantined: {
      externalId,
      reason,
      payload: returns.length > 0 ? { order, lineItems: items, returns } : { order, lineItems: items },
    },
  };
}

export function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
    .join('; ');
}

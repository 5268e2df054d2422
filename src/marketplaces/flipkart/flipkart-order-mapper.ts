/**
 * Flipkart order items → one unified order. Flipkart keeps status per order item, and
 * one order can span shipments and states; the client hands over all items of an
 * order (across shipments and filters) and this folds them.
 *
 * Status rule (API-FACTS "Status mapping"), over the items that are not cancelled:
 *   every item cancelled                                    → CANCELLED
 *   every remaining item RETURNED                           → RETURNED
 *   every remaining item delivered (DELIVERED, COMPLETED,
 *     RETURN_REQUESTED, RETURNED)                           → DELIVERED
 *   any remaining item shipped or delivered (SHIPPED,
 *     PICKUP_COMPLETE and the above)                        → SHIPPED
 *   otherwise (APPROVED … READY_TO_DISPATCH)                → CONFIRMED
 * RETURN_REQUESTED or RETURNED on any item sets hasReturn; RETURNED items are returned
 * in full. The raw states stay on the items; the order's source status is its distinct
 * item states sorted and joined by "+". Amounts are INR.
 *
 * Money: each item's priceComponents are for its quantity. Net sales (revenue) are the
 * items' `sellingPrice` (the seller's price after the seller's discounts; Flipkart's
 * prices include GST, which the order API does not state apart: tax is unknown, null);
 * total collected is their `totalPrice` = sellingPrice + `shippingCharge`. Both count
 * the items not cancelled, or every item when all are (the order as placed, as the
 * other marketplaces state a cancelled order). `flipkartDiscount` is funded by Flipkart:
 * the buyer pays less, the seller's sale is the same, so it is not a seller discount.
 */
import { z } from 'zod';
import { addDecimal, divideRounded, subtractDecimal } from '../../currency/decimal.ts';
import type { OrderStatus } from '../../db/enums.ts';
import { normalizeSku } from '../../sync/normalize-sku.ts';
import type { OrderRow } from '../../sync/unified-rows.ts';
import { decimalFromJson } from '../json-money.ts';
import type { QuarantinedRecord } from '../marketplace-client.ts';

const dateTime = z.iso.datetime({ offset: true });
const money = z.number().transform((n, ctx) => {
  const text = decimalFromJson(n);
  if (text === undefined) ctx.addIssue({ code: 'custom', message: 'expected an amount in rupees' });
  return text ?? '0';
});

export const flipkartItemSchema = z.object({
  orderItemId: z.string().min(1),
  orderId: z.string().min(1),
  orderDate: dateTime,
  cancellationDate: dateTime.nullish(),
  status: z.string().min(1),
  quantity: z.number().int().min(1),
  sku: z.string().nullish(),
  listingId: z.string().nullish(),
  title: z.string().nullish(),
  priceComponents: z.object({
    sellingPrice: money.optional(),
    shippingCharge: money.optional(),
    totalPrice: money,
  }),
});

export type FlipkartItem = z.infer<typeof flipkartItemSchema>;

/** An order item as read, with the updated-at of the shipment that carried it. */
export interface RawFlipkartItem {
  item: unknown;
  shipmentUpdatedAt: unknown;
}

const DELIVERED = new Set(['DELIVERED', 'COMPLETED', 'RETURN_REQUESTED', 'RETURNED']);
const SHIPPED = new Set(['SHIPPED', 'PICKUP_COMPLETE', ...DELIVERED]);
const RETURN_STATES = new Set(['RETURN_REQUESTED', 'RETURNED']);

export function flipkartOrderStatus(states: readonly string[]): OrderStatus {
  const live = states.filter((s) => s !== 'CANCELLED');
  if (live.length === 0) return 'CANCELLED';
  if (live.every((s) => s === 'RETURNED')) return 'RETURNED';
  if (live.every((s) => DELIVERED.has(s))) return 'DELIVERED';
  if (live.some((s) => SHIPPED.has(s))) return 'SHIPPED';
  return 'CONFIRMED';
}

const shippingCharge = (i: FlipkartItem) => i.priceComponents.shippingCharge ?? '0';
/** The item's selling price: stated, or its total less the shipping charge (totalPrice = sellingPrice + shippingCharge). */
const sellingPrice = (i: FlipkartItem) =>
  i.priceComponents.sellingPrice ?? subtractDecimal(i.priceComponents.totalPrice, shippingCharge(i));

export function mapFlipkartOrder(
  orderId: string,
  raw: RawFlipkartItem[],
): { row: OrderRow } | { quarantined: QuarantinedRecord } {
  const items: FlipkartItem[] = [];
  let updated = 0;
  for (const r of raw) {
    const parsed = flipkartItemSchema.safeParse(r.item);
    const when = typeof r.shipmentUpdatedAt === 'string' ? Date.parse(r.shipmentUpdatedAt) : Number.NaN;
    if (!parsed.success || Number.isNaN(when)) {
      const reason = parsed.success
        ? 'shipment updatedAt: expected a date-time'
        : parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
            .join('; ');
      return { quarantined: { externalId: orderId, reason: `order item: ${reason}`, payload: raw } };
    }
    items.push(parsed.data);
    updated = Math.max(updated, when);
  }
  items.sort((a, b) => a.orderItemId.localeCompare(b.orderItemId));
  const states = items.map((i) => i.status);
  const live = items.filter((i) => i.status !== 'CANCELLED');
  const counted = live.length > 0 ? live : items;
  const sum = (f: (i: FlipkartItem) => string) => counted.reduce((n, i) => addDecimal(n, f(i)), '0');
  const cancelled = items.map((i) => i.cancellationDate).filter((d): d is string => Boolean(d));
  const status = flipkartOrderStatus(states);
  return {
    row: {
      externalOrderId: orderId,
      orderNumber: orderId,
      status,
      sourceStatus: [...new Set(states)].sort().join('+'),
      currency: 'INR',
      itemSales: null,
      discountAmount: null,
      netSales: sum(sellingPrice),
      shippingAmount: sum(shippingCharge),
      taxAmount: null,
      totalAmount: sum((i) => i.priceComponents.totalPrice),
      totalAmountUSD: null,
      netSalesUSD: null,
      fxFlag: null,
      isRefunded: false,
      refundedAmount: null,
      hasReturn: states.some((s) => RETURN_STATES.has(s)),
      orderedAt: new Date(items[0]?.orderDate ?? updated),
      fulfilledAt: null,
      cancelledAt: status === 'CANCELLED' && cancelled.length ? new Date(cancelled.sort().at(-1) as string) : null,
      sourceUpdatedAt: new Date(updated),
      items: items.map((i) => ({
        externalItemId: i.orderItemId,
        externalProductId: i.listingId ?? null,
        title: i.title ?? i.sku ?? i.orderItemId,
        sku: i.sku ?? null,
        normalizedSku: normalizeSku(i.sku),
        quantity: i.quantity,
        unitPrice: divideRounded(sellingPrice(i), String(i.quantity)),
        totalPrice: sellingPrice(i),
        discountAmount: null,
        netSales: sellingPrice(i),
        taxAmount: null,
        currency: 'INR',
        sourceStatus: i.status,
        isCancelled: i.status === 'CANCELLED',
        isReturned: i.status === 'RETURNED',
        returnedQuantity: i.status === 'RETURNED' ? i.quantity : 0,
        // dated by the returns stream (the order names no date for it)
        returnedAt: null,
      })),
    },
  };
}

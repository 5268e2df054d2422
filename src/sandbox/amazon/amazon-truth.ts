import type { TruthRenderer } from '../truth/truth-view.ts';
import { fulfillmentStatus, itemCollectedMinor, itemMoney, returnedLine } from './amazon-records.ts';

/**
 * From the records the API and the reports serve: the status in the words of the current
 * Orders API (2026-01-01 `fulfillmentStatus`: PENDING_AVAILABILITY, PENDING, UNSHIPPED,
 * SHIPPED, CANCELLED; v0 is deprecated), amounts as getOrderItems states them: net sales
 * are ItemPrice − PromotionDiscount, total collected adds ShippingPrice, ItemTax and
 * ShippingTax (the OrderTotal).
 */
export const amazonTruthView: TruthRenderer = (order, store) => {
  const items = itemMoney(order, store);
  const net = (m: (typeof items)[number]) => m.itemPriceMinor - m.promotionDiscountMinor;
  return {
    sourceStatus: fulfillmentStatus(order, store),
    currency: store.currency,
    netMinor: items.reduce((n, m) => n + net(m), 0),
    collectedMinor: items.reduce((n, m) => n + itemCollectedMinor(m), 0),
    lines: items.map((m) => ({
      sku: m.line.listing.sku,
      quantity: m.line.quantity,
      amountMinor: net(m),
      sold: order.cancelledAt === null,
    })),
    returnedUnits: returnedLine(order, store)?.line.quantity ?? 0,
  };
};

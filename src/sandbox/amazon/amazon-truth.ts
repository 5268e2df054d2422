import type { TruthRenderer } from '../truth/truth-view.ts';
import { fulfillmentStatus, lineTotalMinor, orderTotalMinor, returnedLine } from './amazon-records.ts';

/**
 * From the records the API and the reports serve: the status in the words of the current
 * Orders API (2026-01-01 `fulfillmentStatus`: PENDING_AVAILABILITY, PENDING, UNSHIPPED,
 * SHIPPED, CANCELLED; v0 is deprecated), items as getOrderItems states them.
 */
export const amazonTruthView: TruthRenderer = (order, store) => ({
  sourceStatus: fulfillmentStatus(order, store),
  currency: store.currency,
  totalMinor: orderTotalMinor(order),
  lines: order.lines.map((line) => ({
    sku: line.listing.sku,
    quantity: line.quantity,
    amountMinor: lineTotalMinor(line),
  })),
  returnedUnits: returnedLine(order, store)?.line.quantity ?? 0,
});

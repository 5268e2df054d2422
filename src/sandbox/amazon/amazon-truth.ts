import type { TruthRenderer } from '../truth/truth-view.ts';
import { lineTotalMinor, orderStatus, orderTotalMinor, returnedLine } from './amazon-records.ts';

/** From the records the API and the reports serve: v0 OrderStatus, items as getOrderItems states them. */
export const amazonTruthView: TruthRenderer = (order, store) => ({
  sourceStatus: orderStatus(order, store),
  currency: store.currency,
  totalMinor: orderTotalMinor(order),
  lines: order.lines.map((line) => ({
    sku: line.listing.sku,
    quantity: line.quantity,
    amountMinor: lineTotalMinor(line),
  })),
  returnedUnits: returnedLine(order, store)?.line.quantity ?? 0,
});

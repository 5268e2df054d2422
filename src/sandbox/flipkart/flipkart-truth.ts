import type { TruthRenderer } from '../truth/truth-view.ts';
import { flipkartItems, itemMoney } from './flipkart-records.ts';

/**
 * From the shipment records the API serves: the source status is the order's distinct
 * item states, sorted and joined by "+" (e.g. "DELIVERED", "CANCELLED+DELIVERED");
 * amounts are the items' totalPrice, cancelled items included, as the API lists them;
 * returned units are those of RETURNED items (RETURN_REQUESTED is not back yet).
 */
export const flipkartTruthView: TruthRenderer = (order, store) => {
  const items = flipkartItems(order, store);
  const lines = items.map(({ line }) => ({
    sku: line.listing.sku,
    quantity: line.quantity,
    amountMinor: itemMoney(store, order, line).totalMinor,
  }));
  return {
    sourceStatus: [...new Set(items.map((i) => i.status))].sort().join('+'),
    currency: 'INR',
    totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
    lines,
    returnedUnits: items.reduce((n, i) => n + (i.status === 'RETURNED' ? i.line.quantity : 0), 0),
  };
};

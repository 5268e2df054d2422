import type { TruthRenderer } from '../truth/truth-view.ts';
import { totalMinor } from '../world/lifecycle.ts';
import { shopifyStatus } from './shopify-records.ts';

/** Source status as "<displayFinancialStatus>/<displayFulfillmentStatus>", "CANCELLED" when cancelled. */
export const shopifyTruthView: TruthRenderer = (order, store) => {
  const status = shopifyStatus(order);
  const returned = order.returnedAt !== null ? (order.lines[order.returnLine - 1]?.quantity ?? 0) : 0;
  return {
    sourceStatus: status.cancelled ? 'CANCELLED' : `${status.financial}/${status.fulfillment}`,
    currency: store.currency,
    totalMinor: totalMinor(order.lines),
    lines: order.lines.map((l) => ({
      sku: l.listing.sku,
      quantity: l.quantity,
      amountMinor: l.unitMinor * l.quantity,
    })),
    returnedUnits: returned,
  };
};

import type { TruthRenderer } from '../truth/truth-view.ts';
import { orderMoney } from '../world/order-money.ts';
import { shopifyStatus } from './shopify-records.ts';

/**
 * Source status as "<displayFinancialStatus>/<displayFulfillmentStatus>", "CANCELLED" when
 * cancelled. Net sales are subtotalPriceSet (lines after discounts, taxes not included),
 * total collected totalPriceSet, each line its price less its discount allocations: as
 * placed, before returns.
 */
export const shopifyTruthView: TruthRenderer = (order, store) => {
  const status = shopifyStatus(order, store);
  const money = orderMoney(order, store);
  const returned = order.returnedAt !== null ? (order.lines[order.returnLine - 1]?.quantity ?? 0) : 0;
  return {
    sourceStatus: status.cancelled ? 'CANCELLED' : `${status.financial}/${status.fulfillment}`,
    currency: store.currency,
    netMinor: money.netMinor,
    collectedMinor: money.collectedMinor,
    lines: money.lines.map((l) => ({
      sku: l.line.listing.sku,
      quantity: l.line.quantity,
      amountMinor: l.netMinor,
      sold: !status.cancelled,
    })),
    returnedUnits: returned,
  };
};

import type { TruthRenderer } from '../truth/truth-view.ts';
import { flipkartItems, type ItemMoney, itemMoney } from './flipkart-records.ts';

/**
 * From the shipment records the API serves: the source status is the order's distinct
 * item states, sorted and joined by "+" (e.g. "DELIVERED", "CANCELLED+DELIVERED").
 * Net sales are the items' sellingPrice, total collected their totalPrice (selling price
 * + shipping charge), over the items not cancelled, or over all of them when every item
 * is (the order as placed). Returned units are those of RETURNED items.
 */
export const flipkartTruthView: TruthRenderer = (order, store) => {
  const items = flipkartItems(order, store);
  const prices = itemMoney(store, order);
  const price = (line: number) => prices.get(line) as ItemMoney;
  const live = items.filter((i) => i.status !== 'CANCELLED');
  const counted = live.length > 0 ? live : items;
  return {
    sourceStatus: [...new Set(items.map((i) => i.status))].sort().join('+'),
    currency: 'INR',
    netMinor: counted.reduce((n, i) => n + price(i.line.line).sellingMinor, 0),
    collectedMinor: counted.reduce((n, i) => n + price(i.line.line).totalMinor, 0),
    lines: items.map(({ line, status }) => ({
      sku: line.listing.sku,
      quantity: line.quantity,
      amountMinor: price(line.line).sellingMinor,
      sold: status !== 'CANCELLED',
    })),
    returnedUnits: items.reduce((n, i) => n + (i.status === 'RETURNED' ? i.line.quantity : 0), 0),
  };
};

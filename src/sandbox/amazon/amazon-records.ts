/**
 * Amazon's own records of a sandbox order: the v0 and 2026-01-01 Orders API shapes.
 * The API, the reports and the ground truth all render through here, so they cannot
 * disagree. No buyer PII is ever rendered (no names, e-mails or addresses).
 *
 * Status from the lifecycle: cancelled → Canceled; shipped → Shipped (FBM packages
 * IN_TRANSIT, or DELIVERED once delivered); paid, or cash on delivery → Unshipped;
 * otherwise Pending (a tenth of those PendingAvailability, as pre-orders). Returns do
 * not change the order status: they are only in the returns reports.
 */

import { decimal } from '../truth/decimal.ts';
import { type Lifecycle, type OrderLine, updatedAt } from '../world/lifecycle.ts';
import { hashKeys } from '../world/random.ts';
import type { StoreDef } from '../world/stores.ts';
import { amazonOrderId, asinOf, digitsFor, orderIsFba, orderItemId, pickFor } from './amazon-ids.ts';

export type OrderStatus = 'PendingAvailability' | 'Pending' | 'Unshipped' | 'Shipped' | 'Canceled';

/** v0 OrderStatus to the 2026-01-01 FulfillmentStatus enum. */
const FULFILLMENT_STATUS: Record<OrderStatus, string> = {
  PendingAvailability: 'PENDING_AVAILABILITY',
  Pending: 'PENDING',
  Unshipped: 'UNSHIPPED',
  Shipped: 'SHIPPED',
  Canceled: 'CANCELLED',
};

export const MARKETPLACE_NAMES: Record<string, string> = { US: 'Amazon.com', IN: 'Amazon.in', UK: 'Amazon.co.uk' };
const CARRIERS: Record<string, string[]> = {
  US: ['UPS', 'USPS', 'FedEx'],
  IN: ['ATS', 'Delhivery', 'BlueDart'],
  UK: ['Royal Mail', 'DPD', 'Evri'],
};

export function orderStatus(order: Lifecycle, store: StoreDef): OrderStatus {
  if (order.cancelledAt !== null) return 'Canceled';
  if (order.shippedAt !== null) return 'Shipped';
  if (order.paidAt !== null || order.paymentMethod === 'COD') return 'Unshipped';
  return hashKeys(store.key, order.index, order.placedAt, 'preorder') % 10 === 0 ? 'PendingAvailability' : 'Pending';
}

export function fulfillmentStatus(order: Lifecycle, store: StoreDef): string {
  return FULFILLMENT_STATUS[orderStatus(order, store)];
}

export function orderTotalMinor(order: Lifecycle): number {
  let sum = 0;
  for (const line of order.lines) sum += lineTotalMinor(line);
  return sum;
}

export function lineTotalMinor(line: OrderLine): number {
  return line.unitMinor * line.quantity;
}

/** The units that appear in the returns reports: FBM at the return request, FBA once Amazon receives them. */
export function returnedLine(order: Lifecycle, store: StoreDef): { line: OrderLine; at: number } | undefined {
  const at = orderIsFba(store, order) ? order.returnedAt : order.returnRequestedAt;
  const line = order.lines[order.returnLine - 1];
  return at === null || !line ? undefined : { line, at };
}

/**
 * Minor units as Amazon's decimal string. The sandbox's Amazon currencies (USD, INR, GBP)
 * all have 2 decimals; truth.ts's decimal() is not imported because truth.ts imports
 * this module through amazon-truth.ts, and the cycle breaks depending on load order.
 */
/** Exact decimal string: the sandbox's Amazon currencies (USD, INR, GBP) all have 2 decimals. */
export function amount(minor: number): string {
  return decimal(minor, 'USD');
}

export function money(minor: number, currency: string) {
  return { amount: amount(minor), currencyCode: currency };
}

export function moneyV0(minor: number, currency: string) {
  return { CurrencyCode: currency, Amount: amount(minor) };
}

/** ISO 8601 in whole seconds, as Amazon writes timestamps. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type IncludedData = ReadonlySet<string>;

/** An order in the 2026-01-01 shape; optional datasets only when `includedData` names them. */
export function renderOrder(order: Lifecycle, store: StoreDef, included: IncludedData) {
  const fba = orderIsFba(store, order);
  const status = orderStatus(order, store);
  const shipped = status === 'Shipped';
  const orderItems = order.lines.map((line) => ({
    orderItemId: orderItemId(store, order, line.line),
    quantityOrdered: line.quantity,
    product: {
      asin: asinOf(store, line.product),
      title: line.listing.title,
      ...(line.listing.sku === null ? {} : { sellerSku: line.listing.sku }),
      condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
      price: { unitPrice: money(line.unitMinor, store.currency) },
    },
    ...(included.has('PROCEEDS') ? { proceeds: { proceedsTotal: money(lineTotalMinor(line), store.currency) } } : {}),
    ...(included.has('FULFILLMENT')
      ? {
          fulfillment: {
            quantityFulfilled: shipped ? line.quantity : 0,
            quantityUnfulfilled: shipped || status === 'Canceled' ? 0 : line.quantity,
          },
        }
      : {}),
  }));
  const total = money(orderTotalMinor(order), store.currency);
  return {
    orderId: amazonOrderId(store, order),
    createdTime: iso(order.placedAt),
    lastUpdatedTime: iso(updatedAt(order)),
    salesChannel: {
      channelName: 'AMAZON',
      marketplaceId: store.amazonMarketplace?.id,
      marketplaceName: MARKETPLACE_NAMES[store.amazonMarketplace?.code ?? 'US'],
    },
    ...(included.has('PROCEEDS')
      ? { proceeds: { grandTotal: total, breakdowns: [{ type: 'ITEM', subtotal: total }] } }
      : {}),
    ...(included.has('FULFILLMENT')
      ? {
          fulfillment: {
            fulfillmentStatus: FULFILLMENT_STATUS[status],
            fulfilledBy: fba ? 'AMAZON' : 'MERCHANT',
            fulfillmentServiceLevel: 'STANDARD',
          },
        }
      : {}),
    orderItems,
    ...(included.has('PACKAGES') && !fba ? { packages: packagesOf(order, store, orderItems) } : {}),
  };
}

function packagesOf(order: Lifecycle, store: StoreDef, items: { orderItemId: string; quantityOrdered: number }[]) {
  if (order.shippedAt === null || order.cancelledAt !== null) return [];
  const code = store.amazonMarketplace?.code ?? 'US';
  return [
    {
      packageReferenceId: '1',
      createdTime: iso(order.shippedAt),
      packageStatus: { status: order.deliveredAt !== null ? 'DELIVERED' : 'IN_TRANSIT' },
      carrier: pickFor(CARRIERS[code] ?? ['UPS'], store, order, 'carrier'),
      shipTime: iso(order.shippedAt),
      shippingService: 'Standard',
      trackingNumber: `1Z${digitsFor(16, store.key, order.index, 'tracking')}`,
      packageItems: items.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantityOrdered })),
    },
  ];
}

/** An order in the v0 shape. */
export function renderOrderV0(order: Lifecycle, store: StoreDef) {
  const status = orderStatus(order, store);
  const units = order.lines.reduce((n, l) => n + l.quantity, 0);
  const code = store.amazonMarketplace?.code ?? 'US';
  return {
    AmazonOrderId: amazonOrderId(store, order),
    PurchaseDate: iso(order.placedAt),
    LastUpdateDate: iso(updatedAt(order)),
    OrderStatus: status,
    FulfillmentChannel: orderIsFba(store, order) ? 'AFN' : 'MFN',
    SalesChannel: MARKETPLACE_NAMES[code],
    ShipServiceLevel: 'Std Dom',
    OrderTotal: moneyV0(orderTotalMinor(order), store.currency),
    NumberOfItemsShipped: status === 'Shipped' ? units : 0,
    NumberOfItemsUnshipped: status === 'Shipped' || status === 'Canceled' ? 0 : units,
    PaymentMethod: order.paymentMethod === 'COD' ? 'COD' : 'Other',
    PaymentMethodDetails: [order.paymentMethod === 'COD' ? 'CashOnDelivery' : 'Standard'],
    MarketplaceId: store.amazonMarketplace?.id,
    ShipmentServiceLevelCategory: 'Standard',
    OrderType: 'StandardOrder',
    IsBusinessOrder: false,
    IsPrime: false,
    IsPremiumOrder: false,
    IsGlobalExpressEnabled: false,
    IsReplacementOrder: false,
    IsSoldByAB: false,
    IsISPU: false,
    IsAccessPointOrder: false,
    HasRegulatedItems: false,
  };
}

/** getOrderItems (v0): ItemPrice is the unit price times the quantity. */
export function renderOrderItemsV0(order: Lifecycle, store: StoreDef) {
  const shipped = orderStatus(order, store) === 'Shipped';
  return order.lines.map((line) => ({
    ASIN: asinOf(store, line.product),
    ...(line.listing.sku === null ? {} : { SellerSKU: line.listing.sku }),
    OrderItemId: orderItemId(store, order, line.line),
    Title: line.listing.title,
    QuantityOrdered: line.quantity,
    QuantityShipped: shipped ? line.quantity : 0,
    ProductInfo: { NumberOfItems: '1' },
    ItemPrice: moneyV0(lineTotalMinor(line), store.currency),
    ItemTax: moneyV0(0, store.currency),
    PromotionDiscount: moneyV0(0, store.currency),
    IsGift: 'false',
    ConditionId: 'New',
    ConditionSubtypeId: 'New',
    IsTransparency: false,
  }));
}

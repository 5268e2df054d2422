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
import { orderMoney } from '../world/order-money.ts';
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

/** OrderTotal: what the buyer pays (items after promotions, shipping, tax). */
export function orderTotalMinor(order: Lifecycle, store: StoreDef): number {
  return orderMoney(order, store).collectedMinor;
}

/**
 * One order item's money as getOrderItems states it: ItemPrice is the unit price × the
 * quantity, before promotions; the order's shipping (and its tax) is charged on its
 * first item.
 */
export interface AmazonItemMoney {
  line: OrderLine;
  itemPriceMinor: number;
  promotionDiscountMinor: number;
  itemTaxMinor: number;
  shippingPriceMinor: number;
  shippingTaxMinor: number;
}

export function itemMoney(order: Lifecycle, store: StoreDef): AmazonItemMoney[] {
  const parts = orderMoney(order, store);
  return parts.lines.map((l, i) => ({
    line: l.line,
    itemPriceMinor: l.grossMinor,
    promotionDiscountMinor: l.discountMinor,
    itemTaxMinor: l.taxMinor,
    shippingPriceMinor: i === 0 ? parts.shippingMinor : 0,
    shippingTaxMinor: i === 0 ? parts.shippingTaxMinor : 0,
  }));
}

/** What the buyer pays for one item: ItemPrice − PromotionDiscount + ShippingPrice + ItemTax + ShippingTax. */
export const itemCollectedMinor = (m: AmazonItemMoney) =>
  m.itemPriceMinor - m.promotionDiscountMinor + m.shippingPriceMinor + m.itemTaxMinor + m.shippingTaxMinor;

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
  const prices = itemMoney(order, store);
  const orderItems = prices.map((m) => {
    const { line } = m;
    return {
      orderItemId: orderItemId(store, order, line.line),
      quantityOrdered: line.quantity,
      product: {
        asin: asinOf(store, line.product),
        title: line.listing.title,
        ...(line.listing.sku === null ? {} : { sellerSku: line.listing.sku }),
        condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
        price: { unitPrice: money(line.unitMinor, store.currency) },
      },
      ...(included.has('PROCEEDS')
        ? {
            proceeds: {
              proceedsTotal: money(itemCollectedMinor(m), store.currency),
              breakdowns: proceedsBreakdowns([m], store.currency, true),
            },
          }
        : {}),
      ...(included.has('FULFILLMENT')
        ? {
            fulfillment: {
              quantityFulfilled: shipped ? line.quantity : 0,
              quantityUnfulfilled: shipped || status === 'Canceled' ? 0 : line.quantity,
            },
          }
        : {}),
    };
  });
  const total = money(orderTotalMinor(order, store), store.currency);
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
      ? { proceeds: { grandTotal: total, breakdowns: proceedsBreakdowns(prices, store.currency, false) } }
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
    OrderTotal: moneyV0(orderTotalMinor(order, store), store.currency),
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

/**
 * The 2026-01-01 proceeds breakdowns of some items, summed by type: ITEM (price ×
 * quantity), DISCOUNT (negative: the breakdowns add up to the proceeds total), SHIPPING,
 * TAX (with its ITEM and SHIPPING parts on an item). Types that are zero are left out.
 */
function proceedsBreakdowns(items: AmazonItemMoney[], currency: string, detailed: boolean) {
  const sum = (f: (m: AmazonItemMoney) => number) => items.reduce((n, m) => n + f(m), 0);
  const itemTax = sum((m) => m.itemTaxMinor);
  const shippingTax = sum((m) => m.shippingTaxMinor);
  const discount = sum((m) => m.promotionDiscountMinor);
  const entries = [
    {
      type: 'ITEM',
      subtotal: money(
        sum((m) => m.itemPriceMinor),
        currency,
      ),
    },
    ...(discount > 0
      ? [
          {
            type: 'DISCOUNT',
            subtotal: money(-discount, currency),
            ...(detailed ? { detailedBreakdowns: [{ subtype: 'ITEM', value: money(-discount, currency) }] } : {}),
          },
        ]
      : []),
    ...(sum((m) => m.shippingPriceMinor) > 0
      ? [
          {
            type: 'SHIPPING',
            subtotal: money(
              sum((m) => m.shippingPriceMinor),
              currency,
            ),
          },
        ]
      : []),
    ...(itemTax + shippingTax > 0
      ? [
          {
            type: 'TAX',
            subtotal: money(itemTax + shippingTax, currency),
            ...(detailed
              ? {
                  detailedBreakdowns: [
                    { subtype: 'ITEM', value: money(itemTax, currency) },
                    ...(shippingTax > 0 ? [{ subtype: 'SHIPPING', value: money(shippingTax, currency) }] : []),
                  ],
                }
              : {}),
          },
        ]
      : []),
  ];
  return entries;
}

/** getOrderItems (v0): ItemPrice is the unit price times the quantity, before PromotionDiscount. */
export function renderOrderItemsV0(order: Lifecycle, store: StoreDef) {
  const shipped = orderStatus(order, store) === 'Shipped';
  const c = store.currency;
  return itemMoney(order, store).map((m) => {
    const { line } = m;
    return {
      ASIN: asinOf(store, line.product),
      ...(line.listing.sku === null ? {} : { SellerSKU: line.listing.sku }),
      OrderItemId: orderItemId(store, order, line.line),
      Title: line.listing.title,
      QuantityOrdered: line.quantity,
      QuantityShipped: shipped ? line.quantity : 0,
      ProductInfo: { NumberOfItems: '1' },
      ItemPrice: moneyV0(m.itemPriceMinor, c),
      ItemTax: moneyV0(m.itemTaxMinor, c),
      ShippingPrice: moneyV0(m.shippingPriceMinor, c),
      ShippingTax: moneyV0(m.shippingTaxMinor, c),
      ShippingDiscount: moneyV0(0, c),
      PromotionDiscount: moneyV0(m.promotionDiscountMinor, c),
      IsGift: 'false',
      ConditionId: 'New',
      ConditionSubtypeId: 'New',
      IsTransparency: false,
    };
  });
}

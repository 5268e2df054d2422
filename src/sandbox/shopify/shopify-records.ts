/**
 * Orders and products as Shopify's Admin GraphQL API holds them, rendered from the
 * world. Field values follow the schema's types (money as decimal strings in MoneyBag,
 * DateTime as ISO strings); fields that take arguments are functions, which the
 * GraphQL default resolver calls with those arguments.
 */
import { decimal } from '../truth/decimal.ts';
import type { Product } from '../world/catalog.ts';
import { listPrice } from '../world/catalog.ts';
import type { Lifecycle } from '../world/lifecycle.ts';
import { orderMoney } from '../world/order-money.ts';
import type { StoreDef } from '../world/stores.ts';
import { connection } from './shopify-connection.ts';

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** Numeric ids unique across the sandbox's shops. */
export const orderNumericId = (store: StoreDef, index: number) =>
  5_000_000_000_000 + store.seller * 100_000_000 + index;
export const productNumericId = (store: StoreDef, p: Product) => 8_000_000_000_000 + store.seller * 10_000 + p.index;
export const variantNumericId = (store: StoreDef, p: Product) => 9_000_000_000_000 + store.seller * 10_000 + p.index;

export interface ShopifyStatus {
  financial: 'PENDING' | 'AUTHORIZED' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'VOIDED';
  fulfillment: 'UNFULFILLED' | 'FULFILLED';
  returnStatus: 'NO_RETURN' | 'RETURN_REQUESTED' | 'RETURNED';
  cancelled: boolean;
  refundedMinor: number;
}

/** The one place Shopify's statuses are derived: the API and the truth both use it. */
export function shopifyStatus(o: Lifecycle, store: StoreDef): ShopifyStatus {
  const total = orderMoney(o, store).collectedMinor;
  const cancelled = o.cancelledAt !== null;
  const paid = o.paidAt !== null;
  // a paid order that is cancelled is refunded in full; an unpaid one is voided
  const refundedMinor = cancelled && paid ? total : o.refundedAt !== null ? Math.min(o.refundMinor, total) : 0;
  let financial: ShopifyStatus['financial'] = paid ? 'PAID' : o.paymentMethod === 'COD' ? 'PENDING' : 'AUTHORIZED';
  if (cancelled && !paid) financial = 'VOIDED';
  else if (refundedMinor >= total && refundedMinor > 0) financial = 'REFUNDED';
  else if (refundedMinor > 0) financial = 'PARTIALLY_REFUNDED';
  return {
    financial,
    fulfillment: o.shippedAt !== null ? 'FULFILLED' : 'UNFULFILLED',
    returnStatus: o.returnedAt !== null ? 'RETURNED' : o.returnRequestedAt !== null ? 'RETURN_REQUESTED' : 'NO_RETURN',
    cancelled,
    refundedMinor,
  };
}

function money(minor: number, currency: string) {
  const m = { amount: decimal(minor, currency), currencyCode: currency };
  return { shopMoney: m, presentmentMoney: m };
}

export function renderOrder(o: Lifecycle, store: StoreDef, updatedAtMs: number) {
  const c = store.currency;
  const allocation = (minor: number, application: Record<string, unknown>) => ({
    __typename: 'DiscountAllocation',
    allocatedAmountSet: money(minor, c),
    allocatedAmount: money(minor, c).shopMoney,
    discountApplication: {
      allocationMethod: 'ACROSS',
      targetSelection: 'ALL',
      targetType: 'LINE_ITEM',
      ...application,
    },
  });
  const status = shopifyStatus(o, store);
  const parts = orderMoney(o, store);
  const id = orderNumericId(store, o.index);
  const lineItems = parts.lines.map(({ line: l, grossMinor, lineDiscountMinor, codeDiscountMinor, netMinor }) => {
    const sku = l.listing.sku;
    // as Shopify states a line: its discounted total leaves the order's discount code out,
    // its allocations hold every discount (the code's share included)
    const allocations = [
      ...(lineDiscountMinor > 0
        ? [allocation(lineDiscountMinor, { __typename: 'AutomaticDiscountApplication', title: 'Festive offer' })]
        : []),
      ...(codeDiscountMinor !== 0 && parts.code
        ? [allocation(codeDiscountMinor, { __typename: 'DiscountCodeApplication', code: parts.code })]
        : []),
    ];
    return {
      __typename: 'LineItem',
      id: gid('LineItem', id * 10 + l.line),
      title: l.listing.title,
      name: l.listing.title,
      quantity: l.quantity,
      currentQuantity: l.quantity,
      sku,
      vendor: store.sellerName,
      requiresShipping: true,
      originalUnitPriceSet: money(l.unitMinor, c),
      discountedUnitPriceSet: money(Math.round((grossMinor - lineDiscountMinor) / l.quantity), c),
      discountedUnitPriceAfterAllDiscountsSet: money(Math.round(netMinor / l.quantity), c),
      originalTotalSet: money(grossMinor, c),
      discountedTotalSet: money(grossMinor - lineDiscountMinor, c),
      totalDiscountSet: money(lineDiscountMinor, c),
      discountAllocations: allocations,
      variant: {
        __typename: 'ProductVariant',
        id: gid('ProductVariant', variantNumericId(store, l.product)),
        sku,
        title: l.product.size === 'OS' ? 'Default Title' : l.product.size,
        price: decimal(l.unitMinor, c),
        product: { __typename: 'Product', id: gid('Product', productNumericId(store, l.product)) },
      },
      product: {
        __typename: 'Product',
        id: gid('Product', productNumericId(store, l.product)),
        title: l.listing.title,
      },
    };
  });
  const refunds =
    status.refundedMinor > 0
      ? [
          {
            __typename: 'Refund',
            id: gid('Refund', id),
            createdAt: iso(o.cancelledAt ?? o.refundedAt),
            updatedAt: iso(o.cancelledAt ?? o.refundedAt),
            totalRefundedSet: money(status.refundedMinor, c),
          },
        ]
      : [];
  const fulfillments =
    o.shippedAt === null
      ? []
      : [
          {
            __typename: 'Fulfillment',
            id: gid('Fulfillment', id),
            status: 'SUCCESS',
            displayStatus: o.deliveredAt !== null ? 'DELIVERED' : 'IN_TRANSIT',
            createdAt: iso(o.shippedAt),
            updatedAt: iso(o.deliveredAt ?? o.shippedAt),
            deliveredAt: iso(o.deliveredAt),
            inTransitAt: iso(o.shippedAt),
          },
        ];
  // a return: requested once the customer asks, CLOSED when the units came back
  const returnedLine = o.lines[o.returnLine - 1];
  const returns =
    o.returnRequestedAt === null || !returnedLine
      ? []
      : [
          {
            __typename: 'Return',
            id: gid('Return', id),
            name: `#${1001 + o.index}-R1`,
            status: o.returnedAt !== null ? 'CLOSED' : 'REQUESTED',
            createdAt: iso(o.returnRequestedAt),
            closedAt: iso(o.returnedAt),
            totalQuantity: returnedLine.quantity,
            returnLineItems: (args: Record<string, unknown>) =>
              connection(
                [
                  {
                    __typename: 'ReturnLineItem',
                    id: gid('ReturnLineItem', id * 10 + returnedLine.line),
                    quantity: returnedLine.quantity,
                    processedQuantity: o.returnedAt !== null ? returnedLine.quantity : 0,
                    returnReason: 'SIZE_TOO_SMALL',
                    fulfillmentLineItem: {
                      __typename: 'FulfillmentLineItem',
                      id: gid('FulfillmentLineItem', id * 10 + returnedLine.line),
                      quantity: returnedLine.quantity,
                      lineItem: lineItems[o.returnLine - 1],
                    },
                  },
                ],
                args,
                (n) => String(n),
              ),
          },
        ];
  return {
    __typename: 'Order',
    id: gid('Order', id),
    legacyResourceId: String(id),
    name: `#${1001 + o.index}`,
    createdAt: iso(o.placedAt),
    processedAt: iso(o.placedAt),
    updatedAt: iso(updatedAtMs),
    cancelledAt: iso(o.cancelledAt),
    cancelReason: status.cancelled ? 'CUSTOMER' : null,
    closed: o.deliveredAt !== null || status.cancelled,
    closedAt: iso(o.deliveredAt ?? o.cancelledAt),
    confirmed: true,
    test: false,
    currencyCode: c,
    presentmentCurrencyCode: c,
    displayFinancialStatus: status.financial,
    displayFulfillmentStatus: status.fulfillment,
    returnStatus: status.returnStatus,
    fullyPaid: status.financial === 'PAID',
    subtotalLineItemsQuantity: o.lines.reduce((n, l) => n + l.quantity, 0),
    taxesIncluded: false,
    totalPriceSet: money(parts.collectedMinor, c),
    subtotalPriceSet: money(parts.netMinor, c),
    currentTotalPriceSet: money(status.cancelled ? 0 : parts.collectedMinor - status.refundedMinor, c),
    currentSubtotalPriceSet: money(status.cancelled ? 0 : Math.max(0, parts.netMinor - status.refundedMinor), c),
    totalRefundedSet: money(status.refundedMinor, c),
    totalShippingPriceSet: money(parts.shippingMinor, c),
    totalTaxSet: money(parts.taxMinor, c),
    totalDiscountsSet: money(parts.discountMinor, c),
    discountCode: parts.code,
    discountCodes: parts.code ? [parts.code] : [],
    email: o.customer?.email ?? null,
    customer: o.customer && {
      __typename: 'Customer',
      id: gid('Customer', id),
      email: o.customer.email,
      firstName: o.customer.firstName,
      lastName: o.customer.lastName,
      displayName: `${o.customer.firstName} ${o.customer.lastName}`,
    },
    lineItems: (args: Record<string, unknown>) => connection(lineItems, args, (n) => String(n)),
    refunds: () => refunds,
    fulfillments: () => fulfillments,
    returns: (args: Record<string, unknown>) => connection(returns, args, (n) => String(n)),
  };
}

export function renderProduct(p: Product, store: StoreDef, updatedAtMs: number) {
  const listing = p.listings.shopify;
  if (!listing) return undefined;
  const variant = {
    __typename: 'ProductVariant',
    id: gid('ProductVariant', variantNumericId(store, p)),
    title: p.size === 'OS' ? 'Default Title' : p.size,
    sku: listing.sku,
    price: decimal(listPrice(listing.priceMinor, store.currency), store.currency),
    inventoryQuantity: listing.inventory,
    createdAt: iso(updatedAtMs),
    updatedAt: iso(updatedAtMs),
  };
  return {
    __typename: 'Product',
    id: gid('Product', productNumericId(store, p)),
    legacyResourceId: String(productNumericId(store, p)),
    title: listing.title,
    handle: listing.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, ''),
    status: listing.active ? 'ACTIVE' : 'ARCHIVED',
    productType: p.category,
    vendor: store.sellerName,
    createdAt: iso(updatedAtMs),
    updatedAt: iso(updatedAtMs),
    totalInventory: listing.inventory,
    variants: (args: Record<string, unknown>) => connection([variant], args, (n) => String(n)),
  };
}

/**
 * What marketplace mappers produce and the page writers store, in unified terms.
 * Money is a decimal string; never a float.
 *
 * Revenue means net sales everywhere in ShopIQ: the items' sales after their discounts,
 * before shipping and tax. `totalAmount` is what the buyer paid (net sales + shipping +
 * tax). The other parts are kept where the source states them, else null.
 */
import type { FxFlag, OrderStatus } from '../db/enums.ts';

export interface OrderItemRow {
  externalItemId: string;
  /** The sellable unit's id as products carry it (Shopify variant, Flipkart listing, Amazon SKU). */
  externalProductId: string | null;
  title: string;
  sku: string | null;
  normalizedSku: string | null;
  quantity: number;
  unitPrice: string;
  /** Unit price × quantity, before discounts. */
  totalPrice: string;
  /** Discounts on the line, where the source states them. */
  discountAmount: string | null;
  /** The line's net sales: its sales after its discounts (product revenue). */
  netSales: string;
  /** Tax on the line, where the source states it apart. */
  taxAmount: string | null;
  currency: string;
  sourceStatus: string | null;
  isCancelled: boolean;
  isReturned: boolean;
  returnedQuantity: number;
  /** When the returned units came back, where the order says (else the returns stream dates them). */
  returnedAt: Date | null;
}

export interface OrderRow {
  externalOrderId: string;
  orderNumber: string | null;
  status: OrderStatus;
  sourceStatus: string;
  currency: string;
  /** The items before discounts, where the source states them. */
  itemSales: string | null;
  discountAmount: string | null;
  /** Revenue: the items after discounts, before shipping and tax. */
  netSales: string;
  /** Shipping charged to the buyer, and tax, where the source states them apart. */
  shippingAmount: string | null;
  taxAmount: string | null;
  /** Total collected: what the buyer paid, net sales + shipping + tax. */
  totalAmount: string;
  /** Set by the engine before writing (UsdRatesForSync), at the order date's rate. */
  totalAmountUSD: string | null;
  netSalesUSD: string | null;
  /** Why the USD amounts are null, when they are. */
  fxFlag: FxFlag | null;
  isRefunded: boolean;
  refundedAmount: string | null;
  hasReturn: boolean;
  orderedAt: Date;
  fulfilledAt: Date | null;
  cancelledAt: Date | null;
  sourceUpdatedAt: Date;
  items: OrderItemRow[];
}

export interface ProductRow {
  externalId: string;
  title: string;
  sku: string | null;
  normalizedSku: string | null;
  category: string | null;
  price: string | null;
  currency: string | null;
  inventory: number | null;
  status: string | null;
  imageUrl: string | null;
  sourceUpdatedAt: Date | null;
}

/** A return reported apart from its order: applied to the stored order and item. */
export interface ReturnRow {
  externalOrderId: string;
  externalItemId: string | null;
  quantity: number;
  returnedAt: Date;
  /** The source's return status as read. */
  sourceStatus: string;
}

/**
 * What marketplace mappers produce and the page writers store, in unified terms.
 * Money is a decimal string; never a float.
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
  totalPrice: string;
  currency: string;
  sourceStatus: string | null;
  isCancelled: boolean;
  isReturned: boolean;
  returnedQuantity: number;
}

export interface OrderRow {
  externalOrderId: string;
  orderNumber: string | null;
  status: OrderStatus;
  sourceStatus: string;
  currency: string;
  totalAmount: string;
  /** Set by the engine before writing (UsdRatesForSync), at the order date's rate. */
  totalAmountUSD: string | null;
  /** Why totalAmountUSD is null, when it is. */
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

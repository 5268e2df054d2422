/**
 * What marketplace mappers produce and the page writer stores: one order with its
 * items, in unified terms. Money is a decimal string; never a float.
 */
import type { FxFlag, OrderStatus } from '../db/enums.ts';

export interface OrderItemRow {
  externalItemId: string;
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
  totalAmountUSD: string | null;
  fxFlag: FxFlag | null;
  customerName: string | null;
  customerEmail: string | null;
  isRefunded: boolean;
  refundedAmount: string | null;
  hasReturn: boolean;
  orderedAt: Date;
  fulfilledAt: Date | null;
  cancelledAt: Date | null;
  sourceUpdatedAt: Date;
  items: OrderItemRow[];
}

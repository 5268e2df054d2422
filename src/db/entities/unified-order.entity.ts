import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { FX_FLAGS, ORDER_STATUSES } from '../enums.ts';
import { sellerReadPolicies } from '../seller-reader.ts';
import { salesRollupMarkTriggers } from './sales-rollup-marks.ts';
import { tenantColumns } from './tenant-columns.ts';
import { tenantOwnerCheckTriggers } from './tenant-owner-check.ts';
import { createdAt, updatedAt } from './timestamps.ts';

/**
 * One order from any marketplace, normalized. Money is `numeric` and a decimal string
 * here: never float arithmetic on it. Unique per connection, so two sellers with the
 * same external order id never overwrite each other.
 */
export const UnifiedOrder = defineEntity({
  name: 'UnifiedOrder',
  properties: {
    ...tenantColumns(),
    externalOrderId: p.string(),
    /** What the seller calls the order (Shopify "#1001"); the external id when there is no such name. */
    orderNumber: p.string().nullable(),
    status: p.enum(ORDER_STATUSES),
    /** The source's own status words, kept as read (e.g. "PAID/FULFILLED", "Shipped"). */
    sourceStatus: p.string(),
    currency: p.string().length(3),
    /**
     * The parts of what the buyer paid, where the source states them (null: not stated).
     * `netSales` is revenue: the items after discounts, before shipping and tax; null on
     * rows stored before ShopIQ kept it, until their connection's next sync re-reads them.
     */
    itemSales: p.decimal('string').precision(20).scale(4).nullable(),
    discountAmount: p.decimal('string').precision(20).scale(4).nullable(),
    netSales: p.decimal('string').precision(20).scale(4).nullable(),
    shippingAmount: p.decimal('string').precision(20).scale(4).nullable(),
    taxAmount: p.decimal('string').precision(20).scale(4).nullable(),
    /** Total collected: what the buyer paid (net sales + shipping + tax). */
    totalAmount: p.decimal('string').precision(20).scale(4),
    totalAmountUSD: p.decimal('string').precision(20).scale(4).nullable(),
    netSalesUSD: p.decimal('string').precision(20).scale(4).nullable(),
    /** Why the USD amounts are missing, when they are. */
    fxFlag: p.enum(FX_FLAGS).nullable(),
    itemCount: p.integer().default(0),
    isRefunded: p.boolean().default(false),
    refundedAmount: p.decimal('string').precision(20).scale(4).nullable(),
    hasReturn: p.boolean().default(false),
    orderedAt: p.datetime(),
    fulfilledAt: p.datetime().nullable(),
    cancelledAt: p.datetime().nullable(),
    /** The source's updated-at: the delta cursor and the change detector. */
    sourceUpdatedAt: p.datetime(),
    syncedAt: p.datetime(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  triggers: [...salesRollupMarkTriggers('unified_order'), ...tenantOwnerCheckTriggers('unified_order')],
  policies: sellerReadPolicies(),
  uniques: [{ properties: ['connection', 'externalOrderId'] }],
  indexes: [
    { properties: ['user', 'orderedAt'] },
    { properties: ['user', 'marketplace', 'orderedAt'] },
    { properties: ['user', 'status'] },
    { properties: ['connection', 'sourceUpdatedAt'] },
  ],
});

export type IUnifiedOrder = InferEntity<typeof UnifiedOrder>;

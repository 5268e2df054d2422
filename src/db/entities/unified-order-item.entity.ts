import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { sellerReadPolicies } from '../seller-reader.ts';
import { salesRollupMarkTriggers } from './sales-rollup-marks.ts';
import { tenantColumns } from './tenant-columns.ts';
import { tenantOwnerCheckTriggers } from './tenant-owner-check.ts';
import { createdAt, updatedAt } from './timestamps.ts';
import { UnifiedOrder } from './unified-order.entity.ts';
import { UnifiedProduct } from './unified-product.entity.ts';

/** One line of an order. Carries user and connection too, so analytics never join for tenancy. */
export const UnifiedOrderItem = defineEntity({
  name: 'UnifiedOrderItem',
  properties: {
    ...tenantColumns({ viaParent: true }),
    order: () => p.manyToOne(UnifiedOrder).deleteRule('cascade'),
    product: () => p.manyToOne(UnifiedProduct).nullable().deleteRule('set null'),
    externalItemId: p.string(),
    externalProductId: p.string().nullable(),
    title: p.text(),
    sku: p.string().nullable(),
    normalizedSku: p.string().nullable(),
    quantity: p.integer(),
    unitPrice: p.decimal('string').precision(20).scale(4),
    /** Unit price × quantity, before discounts. */
    totalPrice: p.decimal('string').precision(20).scale(4),
    discountAmount: p.decimal('string').precision(20).scale(4).nullable(),
    /** The line's sales after its discounts: product revenue (null on lines stored before ShopIQ kept it). */
    netSales: p.decimal('string').precision(20).scale(4).nullable(),
    taxAmount: p.decimal('string').precision(20).scale(4).nullable(),
    currency: p.string().length(3),
    /** Per-item source status where the source has one (Flipkart). */
    sourceStatus: p.string().nullable(),
    isCancelled: p.boolean().default(false),
    isReturned: p.boolean().default(false),
    returnedQuantity: p.integer().default(0),
    /** When the returned units came back, as the source dates the return (null: not returned, or not dated yet). */
    returnedAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  triggers: [...salesRollupMarkTriggers('unified_order_item'), ...tenantOwnerCheckTriggers('unified_order_item')],
  policies: sellerReadPolicies(),
  uniques: [{ properties: ['order', 'externalItemId'] }],
  indexes: [
    { properties: ['user', 'normalizedSku'] },
    { properties: ['product'] },
    { properties: ['connection'] },
    // returns by the day they came back (the return-spike alert): a small part of the lines
    {
      name: 'unified_order_item_user_id_returned_at_index',
      expression:
        'create index "unified_order_item_user_id_returned_at_index" on "unified_order_item" ("user_id", "returned_at") where "returned_at" is not null',
    },
  ],
});

export type IUnifiedOrderItem = InferEntity<typeof UnifiedOrderItem>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { sellerReadPolicies } from '../seller-reader.ts';
import { tenantColumns } from './tenant-columns.ts';
import { tenantOwnerCheckTriggers } from './tenant-owner-check.ts';
import { createdAt, updatedAt } from './timestamps.ts';

/**
 * A sellable unit on one marketplace (a Shopify variant, a Flipkart listing, an Amazon
 * SKU). `normalizedSku` lines the same product up across marketplaces.
 */
export const UnifiedProduct = defineEntity({
  name: 'UnifiedProduct',
  properties: {
    ...tenantColumns(),
    externalId: p.string(),
    title: p.text(),
    sku: p.string().nullable(),
    normalizedSku: p.string().nullable(),
    category: p.string().nullable(),
    price: p.decimal('string').precision(20).scale(4).nullable(),
    currency: p.string().length(3).nullable(),
    inventory: p.integer().nullable(),
    /** Source listing status as read (ACTIVE, ARCHIVED, INACTIVE, ...). */
    status: p.string().nullable(),
    imageUrl: p.text().nullable(),
    sourceUpdatedAt: p.datetime().nullable(),
    syncedAt: p.datetime(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  triggers: tenantOwnerCheckTriggers('unified_product'),
  policies: sellerReadPolicies(),
  uniques: [{ properties: ['connection', 'externalId'] }],
  indexes: [{ properties: ['user', 'normalizedSku'] }, { properties: ['user', 'marketplace'] }],
});

export type IUnifiedProduct = InferEntity<typeof UnifiedProduct>;

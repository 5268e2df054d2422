import { randomUUID } from 'node:crypto';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CONNECTION_STATUSES, MARKETPLACES } from '../enums.ts';
import { createdAt, updatedAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/** Sync position of one stream (orders, products, returns) of a connection. */
export interface StreamCursor {
  /** Source updated-at of the last record committed (ISO 8601). */
  updatedAt?: string;
  /** Opaque source position when the API has one (page token, bulk operation id). */
  position?: string;
  committedAt?: string;
}
export type ConnectionCursors = Partial<Record<'orders' | 'products' | 'returns', StreamCursor>>;

/**
 * A seller's link to one marketplace account. Tokens are stored sealed by the
 * TokenVault, bound to this row's id and the column name.
 */
export const MarketplaceConnection = defineEntity({
  name: 'MarketplaceConnection',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    marketplace: p.enum(MARKETPLACES),
    /** Shopify shop domain, Flipkart seller id, Amazon selling partner id. */
    externalAccountId: p.string(),
    displayName: p.string().nullable(),
    /** Amazon region / marketplace id, Shopify plan: what the client needs to pick hosts and limits. */
    region: p.string().nullable(),
    /**
     * Set for a connection to the sandbox marketplaces (their base URL): the client talks
     * to the sandbox with the sandbox's app credentials instead of the real hosts.
     */
    sandboxUrl: p.string().nullable(),
    status: p.enum(CONNECTION_STATUSES).default('PENDING'),
    accessTokenSealed: p.text().nullable().lazy().hidden(),
    refreshTokenSealed: p.text().nullable().lazy().hidden(),
    tokenExpiresAt: p.datetime().nullable(),
    scopes: p.array().default([]),
    cursors: p.json<ConnectionCursors>().default('{}'),
    lastSyncAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** When the seller was told this connection needs them to sign in again (told once). */
    reauthToldAt: p.datetime().nullable(),
    connectedAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ properties: ['user', 'marketplace', 'externalAccountId'] }],
});

export type IMarketplaceConnection = InferEntity<typeof MarketplaceConnection>;

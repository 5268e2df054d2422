import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CHANNELS, MARKETPLACES } from '../enums.ts';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * The `state` of one marketplace authorization started from chat (`connect`): only its
 * hash is kept; it is bound to the seller, the marketplace and account asked for, and
 * the conversation that asked (where the outcome is announced); single use, short-lived.
 */
export const OAuthState = defineEntity({
  name: 'OAuthState',
  tableName: 'oauth_state',
  properties: {
    id: p.bigint('number').primary(),
    stateHash: p.string(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    marketplace: p.enum(MARKETPLACES),
    /** The Shopify shop domain or Amazon region asked for; none for Flipkart. */
    account: p.string().nullable(),
    channel: p.enum(CHANNELS),
    conversationId: p.string(),
    createdAt: createdAt(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['stateHash'] }],
  indexes: [{ properties: ['expiresAt'] }],
});

export type IOAuthState = InferEntity<typeof OAuthState>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CHANNELS, MARKETPLACES } from '../enums.ts';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * One marketplace authorization asked for from chat (`connect`, or a reconnect link).
 * The link in chat carries a ticket; opening it issues the OAuth `state` (ten minutes,
 * single use) and ties it to that browser (a cookie). Only hashes are kept. It is bound
 * to the seller, the marketplace and account asked for, and the conversation that asked,
 * where the outcome is announced.
 */
export const OAuthState = defineEntity({
  name: 'OAuthState',
  tableName: 'oauth_state',
  properties: {
    id: p.bigint('number').primary(),
    ticketHash: p.string(),
    stateHash: p.string().nullable(),
    browserHash: p.string().nullable(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    marketplace: p.enum(MARKETPLACES),
    /** The Shopify shop domain or Amazon marketplace id asked for; none for Flipkart. */
    account: p.string().nullable(),
    /** The connection this renews (a reconnect link), if any. */
    connectionId: p.uuid().nullable(),
    /** The sandbox the authorization goes through, if not the real marketplace. */
    sandboxUrl: p.string().nullable(),
    channel: p.enum(CHANNELS),
    conversationId: p.string(),
    /** The chat identity spoken to there (Slack `team:user`, WhatsApp number). */
    chatIdentity: p.string(),
    createdAt: createdAt(),
    /** The link's lifetime. */
    expiresAt: p.datetime(),
    stateExpiresAt: p.datetime().nullable(),
    stateUsedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['ticketHash'] }, { properties: ['stateHash'] }],
  indexes: [{ properties: ['expiresAt'] }],
});

export type IOAuthState = InferEntity<typeof OAuthState>;

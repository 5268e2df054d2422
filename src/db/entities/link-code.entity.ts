import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * A one-time code that joins another chat identity to a seller (`link`). Only a hash
 * of the code is kept; it is single use and short-lived.
 */
export const LinkCode = defineEntity({
  name: 'LinkCode',
  properties: {
    id: p.bigint('number').primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    codeHash: p.string(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: createdAt(),
  },
  uniques: [{ properties: ['codeHash'] }],
  indexes: [{ properties: ['user'] }],
});

/** Every code redemption tried, kept a day: wrong guesses are limited per identity and overall. */
export const LinkAttempt = defineEntity({
  name: 'LinkAttempt',
  properties: {
    id: p.bigint('number').primary(),
    /** The chat identity (channel:externalId) that tried. */
    identity: p.string(),
    succeeded: p.boolean(),
    attemptedAt: createdAt(),
  },
  indexes: [{ properties: ['identity', 'attemptedAt'] }, { properties: ['attemptedAt'] }],
});

export type ILinkCode = InferEntity<typeof LinkCode>;

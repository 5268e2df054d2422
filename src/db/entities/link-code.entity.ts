import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * A one-time code that joins another chat identity to a seller (`link`), e.g.
 * `KMT-482913`: a public selector naming the code among the live ones, and six secret
 * digits, of which only a hash of the whole is kept. Single use and short-lived; five
 * wrong guesses at its digits spend it (`failures`).
 */
export const LinkCode = defineEntity({
  name: 'LinkCode',
  properties: {
    id: p.bigint('number').primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    /** Names the code among the live ones (unique while unspent); not secret. */
    selector: p.string().length(3),
    codeHash: p.string(),
    /** Wrong digits sent with this code's selector: at 5 the code is spent. */
    failures: p.integer().default(0),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: createdAt(),
  },
  uniques: [
    { properties: ['codeHash'] },
    {
      name: 'link_code_live_selector_unique',
      expression:
        'create unique index "link_code_live_selector_unique" on "link_code" ("selector") where "used_at" is null',
    },
  ],
  indexes: [{ properties: ['user'] }],
});

/** Every code redemption tried, kept a day: wrong guesses are limited per identity. */
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

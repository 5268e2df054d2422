import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './user.entity.ts';

/**
 * A seller's model tokens on one local day (their timezone): `used` by requests that
 * returned, `reserved` by requests in flight. A request reserves before it is sent, in
 * one conditional update, so concurrent answers cannot pass the budget together.
 */
export const TokenBudget = defineEntity({
  name: 'TokenBudget',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    day: p.date().primary(),
    used: p.bigint('number').default(0),
    reserved: p.bigint('number').default(0),
    updatedAt: p.datetime(),
  },
});

export type ITokenBudget = InferEntity<typeof TokenBudget>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';

/** Daily reference rate: 1 `base` = `rate` `quote` on `rateDate`. */
export const FxRate = defineEntity({
  name: 'FxRate',
  properties: {
    id: p.bigint('number').primary(),
    rateDate: p.date(),
    base: p.string().length(3),
    quote: p.string().length(3),
    rate: p.decimal('string').precision(24).scale(10),
    source: p.string(),
    fetchedAt: createdAt(),
  },
  uniques: [{ properties: ['rateDate', 'base', 'quote'] }],
  // the rate in force on a date: latest rate_date <= date for one pair
  indexes: [{ properties: ['base', 'quote', 'rateDate'] }],
});

export type IFxRate = InferEntity<typeof FxRate>;

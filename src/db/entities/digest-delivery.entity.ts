import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * The digest of a seller's local day, claimed before it is sent: a job run twice (a
 * retry, two workers after a lock lapsed) sends it once. Removed again if the send fails,
 * so the next run tries.
 */
export const DigestDelivery = defineEntity({
  name: 'DigestDelivery',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    /** The seller's local date the digest was due on. */
    localDate: p.date().primary(),
    kind: p.enum(['daily', 'weekly'] as const),
    sentAt: createdAt(),
  },
});

export type IDigestDelivery = InferEntity<typeof DigestDelivery>;

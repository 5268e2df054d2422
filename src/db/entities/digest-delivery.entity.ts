import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * Where a digest is in the outbox: composed and drawn ahead of its time (`prepared`),
 * taken by one worker's sender (`sending`, `claimed_at` its lease), delivered (`sent`),
 * or given up after its retries (`failed`).
 */
export const DIGEST_STATES = ['prepared', 'sending', 'sent', 'failed'] as const;
export type DigestState = (typeof DIGEST_STATES)[number];

/**
 * The digest outbox: one row per seller and local day, claimed when the digest is
 * prepared, so a job run twice (a retry, two workers after a lock lapsed) prepares and
 * sends it once. The composed reply and its chart wait here until `send_at`; both are
 * cleared once it is sent.
 */
export const DigestDelivery = defineEntity({
  name: 'DigestDelivery',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    /** The seller's local date the digest is due on. */
    localDate: p.date().primary(),
    kind: p.enum(['daily', 'weekly'] as const),
    state: p.enum(DIGEST_STATES),
    /** The digest-time instant; null on rows from before the outbox (sent at once). */
    sendAt: p.datetime().nullable(),
    /** The composed `Reply` (its chart spec included), until it is sent. */
    reply: p.json<Record<string, unknown>>().nullable(),
    /** The chart drawn ahead (PNG), until it is sent. */
    chartPng: p.blob().nullable().lazy(),
    /** Send attempts so far (a claim is one). */
    attempts: p.integer().default(0),
    /** When a sender took it: another may take it again once the lease has lapsed (its worker died). */
    claimedAt: p.datetime().nullable(),
    preparedAt: createdAt(),
    sentAt: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'digest_delivery_due_index',
      expression: `create index "digest_delivery_due_index" on "digest_delivery" ("send_at") where "state" in ('prepared', 'sending')`,
    },
  ],
});

export type IDigestDelivery = InferEntity<typeof DigestDelivery>;

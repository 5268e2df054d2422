import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './user.entity.ts';

/**
 * Who may sync a seller right now. Agenda's job lock is a lease, not a fence: a worker
 * paused past its lock can wake up and write. Every takeover bumps `version`, and each
 * page write checks it in the same transaction, so a stale worker's write is refused.
 */
export const SyncLease = defineEntity({
  name: 'SyncLease',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    holder: p.string(),
    version: p.integer(),
    expiresAt: p.datetime(),
    acquiredAt: p.datetime(),
  },
});

export type ISyncLease = InferEntity<typeof SyncLease>;

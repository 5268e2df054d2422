import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { tenantColumns } from './tenant-columns.ts';
import { tenantOwnerCheckTriggers } from './tenant-owner-check.ts';
import { createdAt } from './timestamps.ts';

/**
 * A marketplace record the mapper could not read (wrong types, nulls, bad dates): kept
 * with the reason so an operator can see it, counted on the run, never written to the
 * unified tables. A later good copy of the record clears its entry.
 */
export const SyncQuarantine = defineEntity({
  name: 'SyncQuarantine',
  properties: {
    ...tenantColumns(),
    stream: p.string(),
    /** The record's id when it could be read at all. */
    externalId: p.string().nullable(),
    reason: p.text(),
    /** The record as received, cut to a bounded size. */
    payload: p.text(),
    seenAt: createdAt(),
  },
  triggers: tenantOwnerCheckTriggers('sync_quarantine'),
  uniques: [{ properties: ['connection', 'stream', 'externalId'] }],
});

export type ISyncQuarantine = InferEntity<typeof SyncQuarantine>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { FAILURE_KINDS, SYNC_RUN_STATUSES, SYNC_TRIGGERS } from '../enums.ts';
import type { ConnectionCursors } from './marketplace-connection.entity.ts';
import { tenantColumns } from './tenant-columns.ts';
import { tenantOwnerCheckTriggers } from './tenant-owner-check.ts';

/** One sync of one connection: what it did, what it cost, how it ended. */
export const SyncRun = defineEntity({
  name: 'SyncRun',
  properties: {
    ...tenantColumns(),
    trigger: p.enum(SYNC_TRIGGERS),
    status: p.enum(SYNC_RUN_STATUSES).default('running'),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    durationMs: p.integer().nullable(),
    ordersUpserted: p.integer().default(0),
    itemsUpserted: p.integer().default(0),
    productsUpserted: p.integer().default(0),
    returnsApplied: p.integer().default(0),
    quarantined: p.integer().default(0),
    apiCalls: p.integer().default(0),
    throttledCalls: p.integer().default(0),
    cursorsBefore: p.json<ConnectionCursors>().nullable(),
    cursorsAfter: p.json<ConnectionCursors>().nullable(),
    failureKind: p.enum(FAILURE_KINDS).nullable(),
    error: p.text().nullable(),
  },
  triggers: tenantOwnerCheckTriggers('sync_run'),
  indexes: [{ properties: ['connection', 'startedAt'] }, { properties: ['user', 'startedAt'] }],
});

export type ISyncRun = InferEntity<typeof SyncRun>;

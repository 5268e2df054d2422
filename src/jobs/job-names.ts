/** The jobs ShopIQ runs, and the payload each carries (checked by its handler). */
import { z } from 'zod';
import { CHANNELS } from '../db/enums.ts';

export const JOB = {
  /** Recurring, one per seller with a connected marketplace, in the seller's timezone. */
  syncSeller: 'sync-seller',
  /**
   * Recurring, one per seller with a connected marketplace and a digest time, in the
   * seller's timezone, DIGEST_PREPARE_MINUTES before it: prepares the digest into the outbox.
   */
  sellerDigest: 'seller-digest',
  /** On demand (a question found stale data, the cron endpoint, a stopped run to resume). */
  syncSellerNow: 'sync-seller-now',
  /** Daily: the day's reference rates, and amounts still waiting for theirs. */
  refreshFxRates: 'refresh-fx-rates',
  /**
   * Daily: what is kept only for a while (chat turns past their retention, delivery ids
   * past any retry, spent link codes, expired images and authorization links).
   */
  purge: 'purge',
  /** The purge job's name before it purged chat turns too: removed where still scheduled. */
  legacyPurge: 'purge-expired',
  /** Once a marketplace is connected from chat: its first sync, announced in that conversation. */
  connectBackfill: 'connect-backfill',
} as const;

export const sellerJobData = z.object({ userId: z.uuid() });

export const ON_DEMAND_TRIGGERS = ['on_demand', 'cron', 'scheduled'] as const;
export type OnDemandTrigger = (typeof ON_DEMAND_TRIGGERS)[number];

export const syncNowData = sellerJobData.extend({
  /** Who asked: a question in chat, an external cron, or a scheduled run cut short. */
  trigger: z.enum(ON_DEMAND_TRIGGERS),
});
export type SyncNowData = z.infer<typeof syncNowData>;

/** Where a job's outcome is told (a `ChatAddress`). */
export const chatAddressSchema = z.object({
  channel: z.enum(CHANNELS),
  conversationId: z.string().min(1),
  identity: z.string(),
});

/**
 * Keyed by connection, never by seller: no `userId` here (the job store keeps one job a
 * seller for data that has one).
 */
export const backfillData = z.object({ connectionId: z.uuid(), announce: chatAddressSchema });
export type BackfillData = z.infer<typeof backfillData>;

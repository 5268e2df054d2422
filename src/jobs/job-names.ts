/** The jobs ShopIQ runs, and the payload each carries (checked by its handler). */
import { z } from 'zod';

export const JOB = {
  /** Recurring, one per seller with a connected marketplace, in the seller's timezone. */
  syncSeller: 'sync-seller',
  /** On demand (a question found stale data, the cron endpoint, a stopped run to resume). */
  syncSellerNow: 'sync-seller-now',
  /** Daily: the day's reference rates, and amounts still waiting for theirs. */
  refreshFxRates: 'refresh-fx-rates',
  /** Daily: chat delivery ids past any retry, spent and expired link codes. */
  purgeExpired: 'purge-expired',
} as const;

export const sellerJobData = z.object({ userId: z.uuid() });

export const ON_DEMAND_TRIGGERS = ['on_demand', 'cron', 'scheduled'] as const;
export type OnDemandTrigger = (typeof ON_DEMAND_TRIGGERS)[number];

export const syncNowData = sellerJobData.extend({
  /** Who asked: a question in chat, an external cron, or a scheduled run cut short. */
  trigger: z.enum(ON_DEMAND_TRIGGERS),
});
export type SyncNowData = z.infer<typeof syncNowData>;

/**
 * `purge` (daily): what is kept only for a while. Chat turns older than the retention
 * setting (CHAT_RETENTION_DAYS, 90 days; a customer's redaction request scrubs them at
 * once, see shopify-webhooks.ts), chat delivery ids
 * (`processed_event`) outlive any retry by days (Slack retries within minutes, Twilio
 * within hours), spent and expired link codes and the record of tries are gone a day on,
 * chat images (chart URLs sent to WhatsApp) once expired, marketplace authorization
 * states a day after they expired, sellers' daily token counts a week after the day,
 * digests (the once-a-day claims, their text and chart cleared once sent) 30 days after
 * their date, and alerts that can no longer recur (a day's sales drop, an order's size)
 * or that ended (cleared) 180 days after they were raised: an open lasting alert stays,
 * since it is what keeps a low stock from being told twice.
 */
import { purgeTokenBudgets } from '../conversation/token-budget.ts';
import { purgeLinkCodes } from '../identity/link-codes.ts';
import { purgeMedia } from '../media/media-store.ts';
import { purgeOAuthStates } from '../oauth/oauth-state.ts';
import type { JobContext } from './sync-jobs.ts';

export function purgeJob(ctx: JobContext) {
  return async (): Promise<void> => {
    const { pool, config } = ctx.deps;
    const { rowCount: chatTurns } = await pool.query(
      'delete from chat_message where created_at < now() - make_interval(days => $1)',
      [config.conversation.retentionDays],
    );
    const { rowCount: deliveries } = await pool.query(
      `delete from processed_event where received_at < now() - interval '7 days'`,
    );
    await purgeLinkCodes(pool);
    const media = await purgeMedia(pool);
    await purgeOAuthStates(pool);
    await purgeTokenBudgets(pool);
    const { rowCount: digests } = await pool.query(
      `delete from digest_delivery where local_date < current_date - 30 and state in ('sent', 'failed')`,
    );
    const { rowCount: alerts } = await pool.query(
      `delete from seller_alert where created_at < now() - interval '180 days'
          and (cleared_at is not null or kind in ('sales_drop', 'large_order'))`,
    );
    ctx.log
      .child({ job: 'purge' })
      .info({ chatTurns, deliveries, media, digests, alerts }, 'expired chat records purged');
  };
}

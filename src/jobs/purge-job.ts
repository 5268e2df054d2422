/**
 * `purge` (daily): what is kept only for a while. Chat turns older than the retention
 * setting (CHAT_RETENTION_DAYS, 90 days; a customer's redaction request scrubs them at
 * once, see shopify-webhooks.ts), chat delivery ids
 * (`processed_event`) outlive any retry by days (Slack retries within minutes, Twilio
 * within hours), spent and expired link codes and the record of tries are gone a day on,
 * chat images (chart URLs sent to WhatsApp) once expired, marketplace authorization
 * states a day after they expired, sellers' daily token counts a week after the day.
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
    ctx.log.child({ job: 'purge' }).info({ chatTurns, deliveries, media }, 'expired chat records purged');
  };
}

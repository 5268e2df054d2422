/**
 * `purge-expired` (daily): what is kept only for a while. Chat delivery ids
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

export function purgeExpiredJob(ctx: JobContext) {
  return async (): Promise<void> => {
    const { pool } = ctx.deps;
    const { rowCount: deliveries } = await pool.query(
      `delete from processed_event where received_at < now() - interval '7 days'`,
    );
    await purgeLinkCodes(pool);
    const media = await purgeMedia(pool);
    await purgeOAuthStates(pool);
    await purgeTokenBudgets(pool);
    ctx.log.child({ job: 'purge-expired' }).info({ deliveries, media }, 'expired chat records purged');
  };
}

/**
 * `seller-digest` (daily, DIGEST_PREPARE_MINUTES before the seller's digest time, in
 * their timezone): prepares the digest due at that time into the outbox
 * (insights/digest-outbox.ts), once whichever worker runs it; the workers' senders
 * deliver it at the digest time. A run late past the digest time (no worker was up)
 * sends it at once.
 */
import type { Job } from 'agenda';
import { insightDeps } from '../insights/alerts.ts';
import { digestSeller } from '../insights/digest.ts';
import { prepareDigest } from '../insights/digest-outbox.ts';
import { sellerJobData } from './job-names.ts';
import type { JobContext } from './sync-jobs.ts';
import { digestDueAt } from './sync-schedule.ts';

export function sellerDigestJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { userId } = sellerJobData.parse(job.attrs.data);
    const { pool, config } = ctx.deps;
    const deps = insightDeps({ pool, notifier: ctx.notifier, log: ctx.log }, config);
    const seller = await digestSeller(pool, userId);
    if (!seller) return;
    const now = new Date();
    const sendAt = digestDueAt(now, seller.settings.time, seller.scope.timezone, config.jobs.digestPrepareMinutes);
    const outcome = await prepareDigest(deps, userId, sendAt, { now, sendNow: sendAt <= now, seller });
    if (outcome !== 'sent' && outcome !== 'prepared') ctx.log.info({ userId, outcome, sendAt }, 'no digest prepared');
  };
}

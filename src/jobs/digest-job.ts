/**
 * `seller-digest` (daily at the seller's digest time, in their timezone): the digest of
 * the seller's local day (insights/digest.ts), sent once whichever worker runs it.
 */
import type { Job } from 'agenda';
import { insightDeps } from '../insights/alerts.ts';
import { sendDigest } from '../insights/digest.ts';
import { sellerJobData } from './job-names.ts';
import type { JobContext } from './sync-jobs.ts';

export function sellerDigestJob(ctx: JobContext) {
  return async (job: Job): Promise<void> => {
    const { userId } = sellerJobData.parse(job.attrs.data);
    const deps = insightDeps({ pool: ctx.deps.pool, notifier: ctx.notifier, log: ctx.log }, ctx.deps.config);
    const outcome = await sendDigest(deps, userId, new Date());
    if (outcome !== 'sent') ctx.log.info({ userId, outcome }, 'no digest sent');
  };
}

/**
 * `POST /api/cron/sync`: for deployments whose syncs are triggered by an external cron
 * (Vercel Cron, a system crontab). `Authorization: Bearer <CRON_SECRET>`, compared in
 * constant time; anything else is 401. Enqueues one on-demand sync per seller with a
 * connected marketplace (a seller already syncing is joined, not queued twice) and
 * answers with the counts. It reads no body: one over 1 KB is refused with 413. Not
 * mounted at all when no secret is configured.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, Router } from 'express';
import type { Scheduler } from '../jobs/scheduler.ts';
import type { Logger } from '../logging/logger.ts';

export function cronRouter(deps: { secret: string; scheduler: Scheduler; log: Logger }): Router {
  const router = Router();
  const expected = digest(deps.secret);
  router.post('/sync', express.raw({ type: () => true, limit: '1kb' }), async (req, res, next) => {
    try {
      if (!authorized(req, expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
        return;
      }
      const counts = await deps.scheduler.requestSyncForAll('cron');
      deps.log.info(counts, 'cron sync requested');
      res.json(counts);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function authorized(req: Request, expected: Buffer): boolean {
  const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
  // digests have one length whatever was sent: the comparison says nothing about the secret's
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

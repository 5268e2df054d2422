/**
 * The service's one express app. Feature routers (Slack, Twilio, OAuth, cron) mount
 * on it; each parses its own body with its own limit, since Slack and Twilio
 * signatures are computed over the raw body. There is deliberately no global JSON
 * body parser here.
 */

import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import { withLogContext } from '../logging/log-context.ts';
import type { Logger } from '../logging/logger.ts';
import { httpMetrics } from '../observability/metrics.ts';

export interface Readiness {
  /** Resolves with the problems that make the service not ready; empty when ready. */
  check(): Promise<string[]>;
}

export interface HttpAppDeps {
  log: Logger;
  readiness: Readiness;
  routers?: { path: string; router: Router }[];
}

export function createHttpApp({ log, readiness, routers = [] }: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(httpMetrics);
  // every line written while a request is handled carries its id (a caller's X-Request-Id when sane)
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    withLogContext({ requestId }, next);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const problems = await readiness.check().catch((error: unknown) => {
      log.warn({ err: error }, 'readiness check failed');
      return ['readiness_check_failed'];
    });
    res
      .status(problems.length === 0 ? 200 : 503)
      .json({ status: problems.length === 0 ? 'ready' : 'not_ready', problems });
  });

  for (const { path, router } of routers) app.use(path, router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) log.error({ err: error, path: req.path }, 'request failed');
    if (res.headersSent) return;
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 400
          ? 'bad_request'
          : status >= 500
            ? 'internal_error'
            : 'request_error';
    res.status(status).json({ error: code });
  };
  app.use(onError);
  return app;
}

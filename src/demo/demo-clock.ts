/**
 * The demo's time is its sandbox's. When the sandbox clock moves (`demo clock 09:00` in
 * the chat, or `POST /_sandbox/clock`), the demo seller is synced up to it, their alerts
 * are checked as of then, and a digest that fell due meanwhile is sent: what a worker
 * would have done over those hours, at once. Moves are handled one after another.
 */

import type { App } from '../app.ts';
import type { Config } from '../config/config.ts';
import { checkAlerts, insightDeps } from '../insights/alerts.ts';
import { digestSeller } from '../insights/digest.ts';
import { sendDigest } from '../insights/digest-outbox.ts';
import type { Sandbox } from '../sandbox/sandbox-server.ts';
import { syncSellers } from '../sync/sync-manager.ts';
import { addDays, instantOf, localDate } from '../time/local-time.ts';

/** Follows the sandbox's clock for the demo seller; returns what stops following it. */
export function followSandboxClock(
  app: Pick<App, 'pool' | 'vault' | 'log' | 'notifier'>,
  config: Config,
  sandbox: Sandbox,
  userId: string,
) {
  let queue = Promise.resolve();
  const stop = sandbox.context.world.onClock((fromMs, toMs) => {
    queue = queue
      .then(() => catchUp(app, config, userId, new Date(fromMs), new Date(toMs)))
      .catch((err: unknown) => app.log.error({ err }, 'the demo could not catch up with the sandbox clock'));
  });
  return {
    stop,
    /** Resolves once every move so far is handled. */
    idle: () => queue,
  };
}

async function catchUp(
  app: Pick<App, 'pool' | 'vault' | 'log' | 'notifier'>,
  config: Config,
  userId: string,
  from: Date,
  to: Date,
): Promise<void> {
  const { pool, vault, log, notifier } = app;
  const since = new Date();
  await syncSellers({ pool, vault, config, log }, { userIds: [userId], trigger: 'manual' });
  const deps = insightDeps({ pool, notifier, log }, config);
  await checkAlerts(deps, userId, { since, now: to });
  const seller = await digestSeller(pool, userId);
  if (!seller) return;
  const { timezone } = seller.scope;
  for (let day = localDate(from, timezone); day <= localDate(to, timezone); day = addDays(day, 1)) {
    const due = instantOf(day, seller.settings.time, timezone);
    if (due > from && due <= to) await sendDigest(deps, userId, due, seller);
  }
}

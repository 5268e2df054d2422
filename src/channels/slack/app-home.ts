/**
 * The App Home tab: the seller's connections with how fresh each is and the next
 * scheduled sync in their own time, buttons to sync and connect, controls for the
 * timezone, currency, daily digest and sync frequency, and what to ask. Its controls send the same
 * commands a seller could type (`home-actions.ts`).
 */
import type { KnownBlock, View } from '@slack/types';
import type pg from 'pg';
import { connectionFreshness } from '../../analytics/freshness.ts';
import { loadSellerScope } from '../../analytics/seller-scope.ts';
import { SYNC_TIER_NAMES } from '../../conversation/commands.ts';
import { LIMITED_MODE_EXAMPLES } from '../../conversation/limited-mode.ts';
import { MARKETPLACES, type SyncTier } from '../../db/enums.ts';
import type { Scheduler } from '../../jobs/scheduler.ts';
import { localTime } from '../../time/local-time.ts';

export const HOME_ACTIONS = {
  sync: 'home_sync',
  connect: 'home_connect',
  timezone: 'home_timezone',
  currency: 'home_currency',
  frequency: 'home_frequency',
  digest: 'home_digest',
} as const;

const title = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

export async function homeView(
  deps: { db: pg.Pool; scheduler: Pick<Scheduler, 'scheduledSyncOf'> | undefined; staleAfterMs: number },
  userId: string,
  now = new Date(),
): Promise<View> {
  const scope = await loadSellerScope(deps.db, userId);
  if (!scope) throw new Error('no such seller');
  const { rows } = await deps.db.query<{ tier: SyncTier; digest_time: string | null }>(
    'select sync_tier as tier, digest_time from "user" where id = $1',
    [userId],
  );
  const tier = rows[0]?.tier ?? 'twice_daily';
  const digestTime = rows[0]?.digest_time ?? null;
  const connections = await connectionFreshness(deps.db, scope, now, deps.staleAfterMs);
  const next = await deps.scheduler?.scheduledSyncOf(userId).catch(() => undefined);
  const lines = connections.map(
    (c) =>
      `• *${title(c.marketplace)}* (${c.account}): ${c.state}, data as of ${c.lastSyncLocal ?? 'never'}` +
      (c.syncing ? ', syncing now' : c.stale && c.syncable ? ' (stale)' : ''),
  );
  const connected = new Set(connections.map((c) => c.marketplace));
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('ShopIQ: your marketplaces') },
    {
      type: 'section',
      text: mrkdwn(
        lines.length
          ? lines.join('\n')
          : 'No marketplace connected yet. Connect one below, or type `link` in another chat where you use ShopIQ.',
      ),
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          next?.nextRunAt
            ? `Next scheduled sync: ${localTime(next.nextRunAt, scope.timezone)}, ${SYNC_TIER_NAMES[tier]}.`
            : `Scheduled syncs run ${SYNC_TIER_NAMES[tier]} once a marketplace is connected.`,
        ),
      ],
    },
    {
      type: 'actions',
      elements: [
        ...(connections.some((c) => c.syncable)
          ? [
              {
                type: 'button' as const,
                action_id: HOME_ACTIONS.sync,
                text: plain('Sync now'),
                style: 'primary' as const,
              },
            ]
          : []),
        ...MARKETPLACES.filter((m) => !connected.has(m)).map((m) => ({
          type: 'button' as const,
          action_id: `${HOME_ACTIONS.connect}_${m}`,
          value: m,
          text: plain(`Connect ${title(m)}`),
        })),
      ],
    },
    { type: 'divider' },
    { type: 'header', text: plain('Settings') },
    textSetting(
      HOME_ACTIONS.timezone,
      'Timezone (your days, months and scheduled syncs)',
      scope.timezone,
      'Asia/Kolkata',
    ),
    textSetting(HOME_ACTIONS.currency, 'Currency answers are given in', scope.currency, 'INR'),
    textSetting(
      HOME_ACTIONS.digest,
      'Daily digest: the time of your day it comes (yesterday across your marketplaces; last week on Mondays), or off',
      digestTime ?? 'off',
      '09:00, or off',
    ),
    {
      type: 'section',
      text: mrkdwn('*Sync frequency*'),
      accessory: {
        type: 'static_select',
        action_id: HOME_ACTIONS.frequency,
        initial_option: { text: plain(SYNC_TIER_NAMES[tier]), value: tier },
        options: Object.entries(SYNC_TIER_NAMES).map(([value, text]) => ({ text: plain(text), value })),
      },
    },
    { type: 'divider' },
    { type: 'header', text: plain('Ask me, in a DM or by mentioning me') },
    { type: 'section', text: mrkdwn(LIMITED_MODE_EXAMPLES.map((e) => `• ${e}`).join('\n')) },
  ];
  // the actions block needs at least one element
  return { type: 'home', blocks: blocks.filter((b) => b.type !== 'actions' || b.elements.length > 0) };
}

function textSetting(actionId: string, label: string, value: string, placeholder: string): KnownBlock {
  return {
    type: 'input',
    dispatch_action: true,
    block_id: actionId,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: actionId,
      initial_value: value,
      placeholder: plain(`e.g. ${placeholder}; press Enter to save`),
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
    },
  };
}

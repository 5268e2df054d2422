/**
 * The App Home's buttons and settings send the commands a seller could type: "Sync
 * now" is `sync`, "Connect Flipkart" is `connect flipkart`, a new timezone is
 * `timezone <zone>`, a digest time `digest 08:30`, and so on. The answer comes in the DM; the Home tab is drawn
 * again with the change.
 */
import type { App, BlockAction } from '@slack/bolt';
import { SYNC_TIER_NAMES } from '../../../../conversation/commands.ts';
import { SYNC_TIERS, type SyncTier } from '../../../../db/enums.ts';
import { HOME_ACTIONS } from '../../app-home.ts';
import { slackErrorCode } from '../../slack-output.ts';
import { answerDirectly, type SlackDeps } from '../../slack-turn.ts';
import { publishHome } from '../events/app-home-opened.ts';

type Action = BlockAction['actions'][number];

/** The command a Home control stands for. */
function commandOf(action: Action): string | undefined {
  const { action_id } = action;
  if (action_id === HOME_ACTIONS.sync) return 'sync';
  if (action_id.startsWith(`${HOME_ACTIONS.connect}_`) && 'value' in action) return `connect ${action.value}`;
  const typed = {
    [HOME_ACTIONS.timezone]: 'timezone',
    [HOME_ACTIONS.currency]: 'currency',
    [HOME_ACTIONS.digest]: 'digest',
  };
  const command = typed[action_id as keyof typeof typed];
  if (command && 'value' in action) {
    const value = String(action.value ?? '').trim();
    return value ? `${command} ${value}` : undefined;
  }
  if (action_id === HOME_ACTIONS.frequency && 'selected_option' in action) {
    const tier = action.selected_option?.value as SyncTier | undefined;
    return tier && SYNC_TIERS.includes(tier) ? `frequency ${SYNC_TIER_NAMES[tier]}` : undefined;
  }
  return undefined;
}

export function registerHomeControls(app: App, deps: SlackDeps): void {
  const pattern = new RegExp(`^(${Object.values(HOME_ACTIONS).join('|')})`);
  app.action<BlockAction>(pattern, async ({ ack, body, action, client }) => {
    await ack();
    const text = commandOf(action);
    if (!text) return;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    await answerDirectly(deps, {
      client,
      deliveryId: `action:${body.user.id}:${action.action_ts}`,
      teamId,
      userId: body.user.id,
      text,
    });
    await publishHome(deps, client, body.user.id, teamId).catch((err: unknown) =>
      deps.log.error({ slackError: slackErrorCode(err) }, 'redrawing the app home failed'),
    );
  });
}

/**
 * A button under a message that says what to do next ("Show details", "Mute this" under
 * an alert) sends its command or question into the seller's DM as if they had typed it;
 * the answer comes there.
 */
import type { App, BlockAction } from '@slack/bolt';
import { COMMAND_ACTION_ID } from '../../slack-renderer.ts';
import { answerDirectly, type SlackDeps } from '../../slack-turn.ts';

export function registerReplyCommands(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(new RegExp(`^${COMMAND_ACTION_ID}_\\d+$`), async ({ ack, body, action, client }) => {
    await ack();
    const text = 'value' in action ? String(action.value ?? '').trim() : '';
    if (!text) return;
    await answerDirectly(deps, {
      client,
      deliveryId: `action:${body.user.id}:${action.action_ts}`,
      teamId: body.team?.id ?? body.user.team_id ?? '',
      userId: body.user.id,
      text,
    });
  });
}

/**
 * `/shopiq <command or question>`: acked at once (Slack's 3-second rule), then answered
 * ephemerally through `response_url`, or in the seller's DM when that fails. The words
 * are the engine's own command grammar, the same as typed in a DM or on WhatsApp.
 */
import type { App } from '@slack/bolt';
import { answerDirectly, type SlackDeps } from '../../slack-turn.ts';

export const SLASH_COMMAND = '/shopiq';

export function registerShopiqCommand(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    await answerDirectly(
      deps,
      {
        client,
        deliveryId: `command:${command.trigger_id}`,
        teamId: command.team_id,
        userId: command.user_id,
        text: command.text.trim() || 'help',
      },
      (message) => respond(message),
    );
  });
}

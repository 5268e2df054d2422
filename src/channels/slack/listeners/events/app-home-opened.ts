/**
 * `app_home_opened`: the Home tab shows the seller's connections and settings
 * (`views.publish`); the Messages tab (the agent view's DM) gets suggested prompts.
 */
import type { App } from '@slack/bolt';
import { LIMITED_MODE_EXAMPLES } from '../../../../conversation/limited-mode.ts';
import { claimDelivery } from '../../../../db/deliveries.ts';
import { resolveIdentity } from '../../../../identity/chat-identities.ts';
import { homeView } from '../../app-home.ts';
import { slackErrorCode } from '../../slack-output.ts';
import { type SlackDeps, slackInbound } from '../../slack-turn.ts';

export function registerAppHomeOpened(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    try {
      if (event.tab === 'messages') {
        if (!(await claimDelivery(deps.db, 'slack', body.event_id))) return;
        await client.assistant.threads.setSuggestedPrompts({
          channel_id: event.channel,
          title: 'Ask about your sales, products, returns and stock',
          prompts: LIMITED_MODE_EXAMPLES.slice(0, 4).map((message) => ({ title: message, message })),
        });
        return;
      }
      await publishHome(deps, client, event.user, body.team_id);
    } catch (err) {
      deps.log.error({ slackError: slackErrorCode(err), tab: event.tab }, 'showing the app home failed');
    }
  });
}

export async function publishHome(
  deps: SlackDeps,
  client: Parameters<typeof slackInbound>[0]['client'],
  userId: string,
  teamId: string,
): Promise<void> {
  const inbound = slackInbound({ client, deliveryId: '', teamId, userId, text: '' }, '');
  const who = await resolveIdentity(deps.db, inbound.identity, inbound.profile);
  await client.views.publish({ user_id: userId, view: await homeView(deps, who.userId) });
}

/** `app_mention`: someone asks ShopIQ in a channel; answered in that message's thread. */
import type { App } from '@slack/bolt';
import { answerInThread, type SlackDeps } from '../../slack-turn.ts';

export function registerAppMention(app: App, deps: SlackDeps): void {
  app.event('app_mention', async ({ event, body, client, context }) => {
    if (event.bot_id || !event.user) return;
    if (event.subtype !== undefined) return;
    const mention = context.botUserId ? new RegExp(`<@${context.botUserId}>`, 'g') : /<@[A-Z0-9]+>/g;
    const text = event.text.replace(mention, ' ').trim();
    await answerInThread(
      deps,
      { client, deliveryId: body.event_id, teamId: event.team ?? body.team_id, userId: event.user, text },
      { channel: event.channel, threadTs: event.thread_ts ?? event.ts },
    );
  });
}

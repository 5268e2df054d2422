/**
 * `message` events: a DM to the app, or a reply in a channel thread the app is already
 * in (it answered there before). Edits, deletions, bot messages (ShopIQ's own too)
 * and other subtypes are ignored; a thread reply that mentions the app is left to
 * `app_mention`, so it is answered once.
 */
import type { App } from '@slack/bolt';
import { answerInThread, type SlackDeps, threadConversation } from '../../slack-turn.ts';

interface PlainMessage {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
  team?: string;
}

export function registerMessage(app: App, deps: SlackDeps): void {
  app.event('message', async ({ event, body, client, context }) => {
    const m = event as unknown as PlainMessage;
    if (m.subtype !== undefined || m.bot_id || !m.user || typeof m.text !== 'string') return;
    const dm = m.channel_type === 'im';
    if (!dm) {
      if (!m.thread_ts) return;
      if (context.botUserId && m.text.includes(`<@${context.botUserId}>`)) return;
      if (!(await appInThread(deps, threadConversation(m.channel, m.thread_ts)))) return;
    }
    await answerInThread(
      deps,
      { client, deliveryId: body.event_id, teamId: m.team ?? body.team_id, userId: m.user, text: m.text },
      { channel: m.channel, threadTs: m.thread_ts ?? m.ts },
    );
  });
}

async function appInThread(deps: SlackDeps, conversationId: string): Promise<boolean> {
  const { rows } = await deps.db.query(
    `select 1 from chat_message where channel = 'slack' and conversation_id = $1 limit 1`,
    [conversationId],
  );
  return rows.length > 0;
}

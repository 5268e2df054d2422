/**
 * Thumbs up/down under an answer: kept against that answer (`chat_feedback`), one
 * rating per person, the latest click winning. Only the seller the answer was for can
 * rate it: a value naming someone else's answer changes nothing.
 */
import type { App, BlockAction } from '@slack/bolt';
import { FEEDBACK_ACTION_ID } from '../../slack-renderer.ts';
import type { SlackDeps } from '../../slack-turn.ts';

export function registerFeedback(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(FEEDBACK_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const value = 'value' in action ? String(action.value) : '';
    const match = /^(up|down):(\d+)$/.exec(value);
    if (!match) return;
    const identity = `${body.team?.id ?? body.user.team_id}:${body.user.id}`;
    const { rowCount } = await deps.db.query(
      `insert into chat_feedback (message_id, identity, rating, created_at)
       select m.id, $2, $3, now()
         from chat_message m
         join channel_identity i on i.user_id = m.user_id and i.channel = 'slack' and i.external_id = $2
        where m.id = $1 and m.role = 'assistant'
       on conflict (message_id, identity) do update set rating = excluded.rating, created_at = now()`,
      [Number(match[2]), identity, match[1]],
    );
    if (!rowCount) deps.log.warn({ value }, 'feedback for an answer this person was not given: ignored');
  });
}

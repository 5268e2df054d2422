/**
 * The turns of each conversation (`chat_message`): what the seller asked and what
 * ShopIQ answered, in order. The last turns go back to the model with a new question;
 * the model tokens an answer used are kept on it (the daily budget itself is counted
 * per request in token-budget.ts).
 */

import type { Channel } from '../db/enums.ts';
import type { Queryable } from '../db/pool.ts';
import { redactContacts } from '../privacy/contact-redaction.ts';
import type { LlmMessage, LlmUsage } from './llm/llm-client.ts';

export interface ChatTurn {
  userId: string;
  channel: Channel;
  conversationId: string;
}

/** The last `limit` messages of a conversation, oldest first, starting with a question. */
export async function recentMessages(db: Queryable, turn: ChatTurn, limit = 10): Promise<LlmMessage[]> {
  const { rows } = await db.query<{ role: 'user' | 'assistant'; content: string }>(
    `select role, content from (
       select role, content, id from chat_message
        where user_id = $1 and conversation_id = $2 and channel = $3
        order by id desc limit $4) m
      order by id`,
    [turn.userId, turn.conversationId, turn.channel, limit],
  );
  const first = rows.findIndex((r) => r.role === 'user');
  return first < 0 ? [] : rows.slice(first).map((r) => ({ role: r.role, content: r.content }));
}

export async function recordMessage(
  db: Queryable,
  turn: ChatTurn,
  message: { role: 'user' | 'assistant'; content: string; metadata?: Record<string, unknown>; usage?: LlmUsage },
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `insert into chat_message (user_id, channel, conversation_id, role, content, metadata, input_tokens, output_tokens, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now()) returning id`,
    [
      turn.userId,
      turn.channel,
      turn.conversationId,
      message.role,
      // a phone number or e-mail pasted in chat (a buyer's, say) is not kept
      redactContacts(message.content),
      message.metadata ?? null,
      message.usage ? message.usage.inputTokens + message.usage.cacheReadTokens + message.usage.cacheWriteTokens : null,
      message.usage?.outputTokens ?? null,
    ],
  );
  return Number(rows[0]?.id);
}

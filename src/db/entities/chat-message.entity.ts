import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CHANNELS, CHAT_ROLES } from '../enums.ts';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/** One turn of a conversation; the last turns of a conversation go back to the model. */
export const ChatMessage = defineEntity({
  name: 'ChatMessage',
  properties: {
    id: p.bigint('number').primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    channel: p.enum(CHANNELS),
    /** Slack channel/thread, WhatsApp number, terminal session: where replies go. */
    conversationId: p.string(),
    role: p.enum(CHAT_ROLES),
    content: p.text(),
    /** Tool calls, chart references, limited-mode marker. */
    metadata: p.json<Record<string, unknown>>().nullable(),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    createdAt: createdAt(),
  },
  indexes: [
    { properties: ['user', 'conversationId', 'createdAt'] },
    { properties: ['user', 'createdAt'] },
    // is the app in this Slack thread already (a reply there needs no mention)
    { properties: ['channel', 'conversationId'] },
  ],
});

export type IChatMessage = InferEntity<typeof ChatMessage>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ChatMessage } from './chat-message.entity.ts';
import { createdAt } from './timestamps.ts';

/** A thumbs up or down on one answer; a second click by the same person replaces the first. */
export const ChatFeedback = defineEntity({
  name: 'ChatFeedback',
  properties: {
    id: p.bigint('number').primary(),
    message: () => p.manyToOne(ChatMessage).deleteRule('cascade'),
    /** Who clicked: channel:externalId. */
    identity: p.string(),
    rating: p.enum(['up', 'down'] as const),
    createdAt: createdAt(),
  },
  uniques: [{ properties: ['message', 'identity'] }],
});

export type IChatFeedback = InferEntity<typeof ChatFeedback>;

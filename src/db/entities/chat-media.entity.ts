import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';

/**
 * An image sent in a chat by URL (a chart for WhatsApp's `mediaUrl`): kept in the
 * database so any web replica can serve it, under an unguessable id, for a day.
 */
export const ChatMedia = defineEntity({
  name: 'ChatMedia',
  properties: {
    /** 24 random bytes, base64url: the URL is the only key to the image. */
    id: p.text().primary(),
    contentType: p.string(),
    bytes: p.blob().lazy(),
    createdAt: createdAt(),
    expiresAt: p.datetime(),
  },
  indexes: [{ properties: ['expiresAt'] }],
});

export type IChatMedia = InferEntity<typeof ChatMedia>;

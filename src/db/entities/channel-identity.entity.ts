import { randomUUID } from 'node:crypto';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../enums.ts';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * A chat identity that speaks for a seller: Slack `teamId:userId`, WhatsApp E.164
 * number, or the local terminal. Several identities can point at one user.
 */
export const ChannelIdentity = defineEntity({
  name: 'ChannelIdentity',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    channel: p.enum(CHANNELS),
    externalId: p.string(),
    displayName: p.string().nullable(),
    createdAt: createdAt(),
    lastSeenAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['channel', 'externalId'] }],
  indexes: [{ properties: ['user'] }],
});

export type IChannelIdentity = InferEntity<typeof ChannelIdentity>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CHANNELS } from '../enums.ts';
import { createdAt } from './timestamps.ts';

/**
 * A message ShopIQ sent that never arrived (Twilio's status callback said `failed` or
 * `undelivered`, with its error code): a seller whose messages keep failing shows in
 * `shopiq status`.
 */
export const ChatDeliveryFailure = defineEntity({
  name: 'ChatDeliveryFailure',
  properties: {
    id: p.bigint('number').primary(),
    channel: p.enum(CHANNELS),
    /** Who it was for: the WhatsApp number. */
    externalId: p.string(),
    messageSid: p.string(),
    status: p.string(),
    errorCode: p.string().nullable(),
    failedAt: createdAt(),
  },
  uniques: [{ properties: ['messageSid'] }],
  indexes: [{ properties: ['channel', 'externalId', 'failedAt'] }],
});

export type IChatDeliveryFailure = InferEntity<typeof ChatDeliveryFailure>;

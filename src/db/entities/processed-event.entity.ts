import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';

/**
 * Inbound deliveries already taken (Slack event_id, Twilio MessageSid, Shopify webhook
 * id). Inserting the key first makes a retried delivery a no-op.
 */
export const ProcessedEvent = defineEntity({
  name: 'ProcessedEvent',
  properties: {
    id: p.bigint('number').primary(),
    source: p.string(),
    eventId: p.string(),
    receivedAt: createdAt(),
  },
  uniques: [{ properties: ['source', 'eventId'] }],
  indexes: [{ properties: ['receivedAt'] }],
});

export type IProcessedEvent = InferEntity<typeof ProcessedEvent>;

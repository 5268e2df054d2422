import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ALERT_KINDS } from '../enums.ts';
import { createdAt } from './timestamps.ts';
import { User } from './user.entity.ts';

/**
 * An alert raised for a seller (src/insights/alerts.ts). Its dedupe key names what it is
 * about (a marketplace's day, a product's stock, an order): while an alert with that key
 * is open, the same finding is not raised again. Findings that last (low stock, a
 * failing connection, a return spike) are cleared when they end, so a later one is told.
 */
export const SellerAlert = defineEntity({
  name: 'SellerAlert',
  properties: {
    id: p.bigint('number').primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.enum(ALERT_KINDS),
    dedupeKey: p.text(),
    marketplace: p.string().nullable(),
    sku: p.text().nullable(),
    /** The figures the alert was raised on, as told. */
    facts: p.json<Record<string, unknown>>(),
    createdAt: createdAt(),
    /** When it reached the seller; null: held (muted, off, no chat, a WhatsApp cap) or not delivered. */
    sentAt: p.datetime().nullable(),
    clearedAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'seller_alert_open_unique',
      expression:
        'create unique index "seller_alert_open_unique" on "seller_alert" ("user_id", "dedupe_key") where "cleared_at" is null',
    },
  ],
  indexes: [{ properties: ['user', 'createdAt'] }],
});

export type ISellerAlert = InferEntity<typeof SellerAlert>;

import { randomUUID } from 'node:crypto';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { ChatAddress } from '../../channels/chat-notifier.ts';
import { SYNC_TIERS } from '../enums.ts';
import { createdAt, updatedAt } from './timestamps.ts';

/** The seller account: the tenant. Every other row hangs off a user. */
export const User = defineEntity({
  name: 'User',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    displayName: p.string().nullable(),
    /** IANA zone: periods ("last month") and scheduled syncs are in this zone. */
    timezone: p.string().default('UTC'),
    /** ISO 4217 code answers are given in. */
    reportingCurrency: p.string().length(3).default('USD'),
    syncTier: p.enum(SYNC_TIERS).default('twice_daily'),
    /** Local "HH:MM" the daily digest is sent at (the weekly one on Mondays); null: no digest. */
    digestTime: p.string().length(5).nullable().default('09:00'),
    /** Where digests go, as picked with `digest HH:MM`; null: the chat the seller last used. */
    digestAddress: p.json<ChatAddress>().nullable(),
    /** Alerts at all (`alerts on|off`). */
    alertsEnabled: p.boolean().default(true),
    /** Kinds muted, each until an ISO time (`alerts mute <kind> [for N days]`). */
    alertMutes: p.json<Record<string, string>>().default('{}'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export type IUser = InferEntity<typeof User>;

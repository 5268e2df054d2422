/** Where ShopIQ reaches a seller on its own (a notice, a digest): the chat they wrote from last. */
import type pg from 'pg';
import { type ChatAddress, directAddress } from './chat-notifier.ts';

/** The Slack DM or WhatsApp number the seller wrote from last; undefined: neither (the terminal alone). */
export async function lastUsedAddress(pool: pg.Pool, userId: string): Promise<ChatAddress | undefined> {
  const { rows } = await pool.query<{ channel: 'slack' | 'whatsapp'; external_id: string }>(
    `select channel, external_id from channel_identity where user_id = $1 and channel in ('slack', 'whatsapp')
      order by last_seen_at desc nulls last, created_at desc limit 1`,
    [userId],
  );
  const row = rows[0];
  return row && directAddress(row.channel, row.external_id);
}

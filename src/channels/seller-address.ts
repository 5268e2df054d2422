/** Where ShopIQ reaches a seller on its own (a notice, a digest): the chat they wrote from last. */
import type pg from 'pg';
import { type ChatAddress, directAddress } from './chat-notifier.ts';

/**
 * Where a digest or an alert goes: the chat the seller picked (`digest HH:MM` there; read
 * here unless the caller has it, `picked`), else the one they wrote from last.
 */
export async function noticeAddress(
  pool: pg.Pool,
  userId: string,
  picked?: ChatAddress | null,
): Promise<ChatAddress | undefined> {
  const chosen =
    picked !== undefined
      ? picked
      : (await pool.query<{ a: ChatAddress | null }>('select digest_address as a from "user" where id = $1', [userId]))
          .rows[0]?.a;
  return chosen ?? lastUsedAddress(pool, userId);
}

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

/**
 * The `state` of a marketplace authorization started from chat. Random (32 bytes),
 * stored only as its hash, bound to the seller, the marketplace and account asked for
 * and the conversation that asked; it lives ten minutes and is taken once: a replayed,
 * expired or unknown state, or one used for another marketplace, binds nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Channel, Marketplace } from '../db/enums.ts';

export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export interface OAuthBinding {
  userId: string;
  marketplace: Marketplace;
  /** Shopify shop domain or Amazon region asked for. */
  account: string | null;
  /** Where the outcome is announced. */
  channel: Channel;
  conversationId: string;
}

export type StateTaken = { ok: true; binding: OAuthBinding } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

const hash = (state: string) => createHash('sha256').update(`shopiq-oauth:${state}`).digest('hex');

export async function issueOAuthState(db: Pick<pg.Pool, 'query'>, binding: OAuthBinding): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  await db.query(
    `insert into oauth_state (state_hash, user_id, marketplace, account, channel, conversation_id, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, now(), now() + make_interval(secs => $7))`,
    [
      hash(state),
      binding.userId,
      binding.marketplace,
      binding.account,
      binding.channel,
      binding.conversationId,
      OAUTH_STATE_TTL_MS / 1000,
    ],
  );
  return state;
}

/** Takes a state returned to a callback of `marketplace`: its binding, once. */
export async function takeOAuthState(
  db: Pick<pg.Pool, 'query'>,
  state: string,
  marketplace: Marketplace,
): Promise<StateTaken> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(state)) return { ok: false, reason: 'unknown' };
  const { rows } = await db.query<{
    user_id: string;
    marketplace: Marketplace;
    account: string | null;
    channel: Channel;
    conversation_id: string;
    taken: boolean;
    expired: boolean;
  }>(
    `with taken as (
       update oauth_state set used_at = now()
        where state_hash = $1 and marketplace = $2 and used_at is null and expires_at > now()
        returning id)
     select s.user_id, s.marketplace, s.account, s.channel, s.conversation_id,
            exists (select 1 from taken where taken.id = s.id) as taken, s.expires_at <= now() as expired
       from oauth_state s where s.state_hash = $1 and s.marketplace = $2`,
    [hash(state), marketplace],
  );
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown' };
  if (!row.taken) return { ok: false, reason: row.expired ? 'expired' : 'used' };
  return {
    ok: true,
    binding: {
      userId: row.user_id,
      marketplace: row.marketplace,
      account: row.account,
      channel: row.channel,
      conversationId: row.conversation_id,
    },
  };
}

/** States a day past their expiry: nothing is left to check against them. */
export async function purgeOAuthStates(db: Pick<pg.Pool, 'query'>): Promise<void> {
  await db.query(`delete from oauth_state where expires_at < now() - interval '1 day'`);
}

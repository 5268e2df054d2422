/**
 * Who is talking: a chat identity (Slack `teamId:userId`, WhatsApp E.164 number) maps
 * to one seller. First contact creates the seller; a link code or the operator joins
 * an identity to another seller. A seller left with no identity and nothing connected
 * (the empty account first contact made) is removed when its identity moves away.
 */
import type pg from 'pg';
import type { Channel } from '../db/enums.ts';
import { inTransaction } from '../db/pool.ts';
import { canonicalTimezone } from '../time/local-time.ts';

export interface ChatIdentity {
  channel: Channel;
  /** Slack `teamId:userId`, WhatsApp `+E164`. */
  externalId: string;
}

export interface ResolvedIdentity {
  identityId: string;
  userId: string;
  /** This message created the seller (first contact). */
  created: boolean;
  /** When created: what the channel told of the person (no timezone: it could not say). */
  profile?: ChatProfile;
}

/** What the channel knows of a new person: read only on first contact. */
export interface ChatProfile {
  displayName?: string;
  timezone?: string;
  /** The currency answers are given in (ISO 4217), when the channel can tell (a number's country). */
  currency?: string;
}

/** Logged and limited by this, never by a display name. */
export const identityKey = (identity: ChatIdentity) => `${identity.channel}:${identity.externalId}`;

export async function resolveIdentity(
  pool: pg.Pool,
  identity: ChatIdentity,
  profile: () => Promise<ChatProfile>,
): Promise<ResolvedIdentity> {
  // every message: found and marked seen in one round trip
  const { rows: seen } = await pool.query<{ id: string; user_id: string }>(
    `update channel_identity set last_seen_at = now() where channel = $1 and external_id = $2 returning id, user_id`,
    [identity.channel, identity.externalId],
  );
  const known = seen[0];
  if (known) return { identityId: known.id, userId: known.user_id, created: false };
  const told = await profile().catch((): ChatProfile => ({}));
  const zone = told.timezone && canonicalTimezone(told.timezone);
  const about = { ...told, timezone: zone || undefined };
  const timezone = zone || 'UTC';
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `insert into "user" (id, display_name, timezone, reporting_currency, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3, now(), now()) returning id`,
      [about.displayName ?? null, timezone, about.currency ?? 'USD'],
    );
    const userId = (rows[0] as { id: string }).id;
    const inserted = await client.query<{ id: string }>(
      `insert into channel_identity (id, user_id, channel, external_id, display_name, created_at, last_seen_at)
       values (gen_random_uuid(), $1, $2, $3, $4, now(), now())
       on conflict (channel, external_id) do nothing returning id`,
      [userId, identity.channel, identity.externalId, about.displayName ?? null],
    );
    const identityId = inserted.rows[0]?.id;
    if (identityId) return { identityId, userId, created: true, profile: about };
    // a concurrent first message of the same person won: use its seller, drop ours
    await client.query('delete from "user" where id = $1', [userId]);
    const winner = await findIdentity(client, identity);
    if (!winner) throw new Error('chat identity vanished while it was being created');
    return { ...winner, created: false };
  });
}

async function findIdentity(
  db: Pick<pg.Pool, 'query'>,
  identity: ChatIdentity,
): Promise<Omit<ResolvedIdentity, 'created'> | undefined> {
  const { rows } = await db.query<{ id: string; user_id: string }>(
    'select id, user_id from channel_identity where channel = $1 and external_id = $2',
    [identity.channel, identity.externalId],
  );
  const row = rows[0];
  return row ? { identityId: row.id, userId: row.user_id } : undefined;
}

export type JoinOutcome = 'joined' | 'already' | 'has_own_data';

/**
 * Moves an identity to `userId`. Refused when the identity's seller has marketplaces
 * of its own and no other identity: moving would strand that seller's data.
 */
export async function joinIdentity(pool: pg.Pool, identityId: string, userId: string): Promise<JoinOutcome> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ user_id: string }>(
      'select user_id from channel_identity where id = $1 for update',
      [identityId],
    );
    const from = rows[0]?.user_id;
    if (!from) throw new Error('no such chat identity');
    if (from === userId) return 'already';
    const { rows: left } = await client.query<{ identities: number; connections: number }>(
      `select (select count(*)::int from channel_identity where user_id = $1 and id <> $2) as identities,
              (select count(*)::int from marketplace_connection where user_id = $1) as connections`,
      [from, identityId],
    );
    const { identities = 0, connections = 0 } = left[0] ?? {};
    if (identities === 0 && connections > 0) return 'has_own_data';
    await client.query('update channel_identity set user_id = $2 where id = $1', [identityId, userId]);
    if (identities === 0) await client.query('delete from "user" where id = $1', [from]);
    return 'joined';
  });
}

/** The operator's `shopiq link`: the identity speaks for `userId` from now on, created if new. */
export async function linkIdentity(pool: pg.Pool, identity: ChatIdentity, userId: string): Promise<JoinOutcome> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into channel_identity (id, user_id, channel, external_id, created_at)
     values (gen_random_uuid(), $1, $2, $3, now())
     on conflict (channel, external_id) do nothing returning id`,
    [userId, identity.channel, identity.externalId],
  );
  if (rows[0]) return 'joined';
  const known = await findIdentity(pool, identity);
  if (!known) throw new Error('chat identity vanished while it was being linked');
  return joinIdentity(pool, known.identityId, userId);
}

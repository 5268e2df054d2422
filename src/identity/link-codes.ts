/**
 * One-time link codes: a seller asks for one (`link`) in one chat and sends it from
 * another (`link 123456`) to see the same data there. Six digits, valid ten minutes,
 * single use; only their hash is stored. Wrong guesses are limited per identity and
 * across all identities, so a million codes cannot be walked through.
 */
import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Wrong codes one identity may send in an hour. */
const MAX_FAILURES_PER_IDENTITY = 5;
/** Wrong codes everyone together may send in ten minutes. */
const MAX_FAILURES_OVERALL = 200;

const hash = (code: string) => createHash('sha256').update(`shopiq-link:${code}`).digest('hex');

export async function issueLinkCode(pool: pg.Pool, userId: string): Promise<{ code: string; expiresAt: Date }> {
  // one live code per seller: asking again replaces the last one
  await pool.query('delete from link_code where user_id = $1 and used_at is null', [userId]);
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const { rows } = await pool.query<{ expires_at: Date }>(
      `insert into link_code (user_id, code_hash, expires_at, created_at)
       values ($1, $2, now() + make_interval(secs => $3), now())
       on conflict (code_hash) do nothing returning expires_at`,
      [userId, hash(code), LINK_CODE_TTL_MS / 1000],
    );
    if (rows[0]) return { code, expiresAt: rows[0].expires_at };
    // the code is in use (live or spent): spent codes are kept only a day, so this ends
    await pool.query(`delete from link_code where code_hash = $1 and (used_at is not null or expires_at < now())`, [
      hash(code),
    ]);
  }
}

export type Redemption = { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'too_many_attempts' };

/** Takes a code for `identity` (its key: channel:externalId): the seller it names, once. */
export async function redeemLinkCode(pool: pg.Pool, code: string, identity: string): Promise<Redemption> {
  const { rows: counts } = await pool.query<{ mine: number; everyone: number }>(
    `select count(*) filter (where identity = $1 and attempted_at > now() - interval '1 hour')::int as mine,
            count(*) filter (where attempted_at > now() - interval '10 minutes')::int as everyone
       from link_attempt where not succeeded and attempted_at > now() - interval '1 hour'`,
    [identity],
  );
  const { mine = 0, everyone = 0 } = counts[0] ?? {};
  if (mine >= MAX_FAILURES_PER_IDENTITY || everyone >= MAX_FAILURES_OVERALL) {
    return { ok: false, reason: 'too_many_attempts' };
  }
  const { rows } = await pool.query<{ user_id: string }>(
    `update link_code set used_at = now()
      where code_hash = $1 and used_at is null and expires_at > now()
      returning user_id`,
    [hash(code.trim())],
  );
  const userId = rows[0]?.user_id;
  await pool.query('insert into link_attempt (identity, succeeded, attempted_at) values ($1, $2, now())', [
    identity,
    userId !== undefined,
  ]);
  return userId ? { ok: true, userId } : { ok: false, reason: 'invalid' };
}

/** Spent and expired codes and old attempts: nothing of them is needed after a day. */
export async function purgeLinkCodes(pool: pg.Pool): Promise<void> {
  await pool.query(`delete from link_code where expires_at < now() - interval '1 day'`);
  await pool.query(`delete from link_attempt where attempted_at < now() - interval '1 day'`);
}

/**
 * One-time link codes: a seller asks for one (`link`) in one chat and sends it from
 * another (`link KMT-482913`) to see the same data there. A code is a public selector
 * (three letters naming it among the live codes) and six secret digits; valid ten
 * minutes, single use; only a hash of it is stored.
 *
 * Guessing is limited twice: an identity may send 5 wrong codes an hour, and a code
 * takes 5 wrong digits at most, then it is spent. So a code falls to a guess with odds
 * of at most 5 in a million, however many identities try, and no flood of wrong
 * guesses elsewhere stops a seller's own code from working.
 */
import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Wrong codes one identity may send in an hour. */
const MAX_FAILURES_PER_IDENTITY = 5;
/** Wrong digits a code takes before it is spent. */
export const MAX_FAILURES_PER_CODE = 5;
/** Letters no one misreads (no vowels: no words), 15³ = 3,375 selectors. */
const SELECTOR_LETTERS = 'CDFHJKMNPRTVWXY';
/** Selectors tried before giving up: nearly all live at once means a flood of `link`. */
const MAX_SELECTOR_TRIES = 50;

/** What a code looks like, for help texts. */
export const EXAMPLE_LINK_CODE = 'KMT-482913';

/** A code as the seller types it: selector and digits, any case, with a dash, a space or neither. */
export const LINK_CODE_PATTERN = /^([a-z]{3})[-\s]?(\d{6})$/i;

const hash = (selector: string, digits: string) =>
  createHash('sha256').update(`shopiq-link:${selector}-${digits}`).digest('hex');

export async function issueLinkCode(pool: pg.Pool, userId: string): Promise<{ code: string; expiresAt: Date }> {
  // one live code per seller: asking again replaces the last one
  await pool.query('delete from link_code where user_id = $1 and used_at is null', [userId]);
  for (let tries = 0; tries < MAX_SELECTOR_TRIES; tries++) {
    const selector = Array.from({ length: 3 }, () => SELECTOR_LETTERS[randomInt(SELECTOR_LETTERS.length)]).join('');
    const digits = String(randomInt(0, 1_000_000)).padStart(6, '0');
    // a selector held by an expired code is free again
    await pool.query('delete from link_code where selector = $1 and used_at is null and expires_at < now()', [
      selector,
    ]);
    const { rows } = await pool.query<{ expires_at: Date }>(
      `insert into link_code (user_id, selector, code_hash, expires_at, created_at)
       values ($1, $2, $3, now() + make_interval(secs => $4), now())
       on conflict do nothing returning expires_at`,
      [userId, selector, hash(selector, digits), LINK_CODE_TTL_MS / 1000],
    );
    if (rows[0]) return { code: `${selector}-${digits}`, expiresAt: rows[0].expires_at };
    // the selector is live, or this exact code was spent today: draw again
  }
  throw new Error('no link code selector is free just now');
}

export type Redemption =
  | { ok: true; userId: string }
  | { ok: false; reason: 'invalid' | 'too_many_attempts' | 'malformed' };

/** Takes a code for `identity` (its key: channel:externalId): the seller it names, once. */
export async function redeemLinkCode(pool: pg.Pool, code: string, identity: string): Promise<Redemption> {
  const { rows: counts } = await pool.query<{ mine: number }>(
    `select count(*)::int as mine from link_attempt
      where identity = $1 and not succeeded and attempted_at > now() - interval '1 hour'`,
    [identity],
  );
  if ((counts[0]?.mine ?? 0) >= MAX_FAILURES_PER_IDENTITY) return { ok: false, reason: 'too_many_attempts' };
  const parts = LINK_CODE_PATTERN.exec(code.trim());
  // not a code's shape: it can name no code, so it is no guess either
  if (!parts) return { ok: false, reason: 'malformed' };
  const selector = (parts[1] as string).toUpperCase();
  // one statement: the right digits spend the code, wrong ones count against it
  const { rows } = await pool.query<{ user_id: string; matched: boolean }>(
    `update link_code
        set used_at = case when code_hash = $2 then now() end,
            failures = failures + (code_hash <> $2)::int
      where selector = $1 and used_at is null and expires_at > now() and failures < $3
      returning user_id, code_hash = $2 as matched`,
    [selector, hash(selector, parts[2] as string), MAX_FAILURES_PER_CODE],
  );
  const userId = rows[0]?.matched ? rows[0].user_id : undefined;
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

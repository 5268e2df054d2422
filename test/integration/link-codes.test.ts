/**
 * RELIABILITY W6: link codes guessed by brute force. Six digits are a million codes:
 * wrong guesses are limited per chat identity and for everyone together, and only the
 * real code, once and in time, names the seller.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import { issueLinkCode, redeemLinkCode } from '../../src/identity/link-codes.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('link codes against guessing', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let seller: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    seller = randomUUID();
    await pool.query(`insert into "user" (id, created_at, updated_at) values ($1, now(), now())`, [seller]);
  });
  beforeEach(async () => {
    await pool.query('delete from link_attempt');
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  /** A six-digit code that is not `code`. */
  const wrong = (code: string, n: number) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');
  /** Whether the seller's latest code is spent. */
  const spent = async () =>
    (await pool.query('select used_at from link_code where user_id = $1 order by expires_at desc limit 1', [seller]))
      .rows[0].used_at !== null;

  it('W6: one identity gets 5 wrong guesses an hour; then even the real code is refused, and stays unspent', async () => {
    const { code } = await issueLinkCode(pool, seller);
    const guesser = 'whatsapp:+15550000001';
    for (let n = 0; n < 5; n++) {
      expect(await redeemLinkCode(pool, wrong(code, n), guesser)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await redeemLinkCode(pool, code, guesser)).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(await spent()).toBe(false);
    // another identity is not held back by the guesser, and the code joins it once
    expect(await redeemLinkCode(pool, code, 'slack:T1:U2PARTNER')).toEqual({ ok: true, userId: seller });
    expect(await redeemLinkCode(pool, code, 'slack:T1:U3OTHER')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('W6: 200 wrong guesses from as many identities in 10 minutes stop every guess, the real code too', async () => {
    const { code } = await issueLinkCode(pool, seller);
    for (let n = 0; n < 200; n++) {
      expect((await redeemLinkCode(pool, wrong(code, n), `slack:T1:UBOT${n}`)).ok).toBe(false);
    }
    expect(await redeemLinkCode(pool, code, 'slack:T1:UFRESH')).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(await spent()).toBe(false);
    // the limit is on recent guesses: ten minutes on, the real code is taken
    await pool.query(`update link_attempt set attempted_at = attempted_at - interval '11 minutes'`);
    expect(await redeemLinkCode(pool, code, 'slack:T1:UFRESH')).toEqual({ ok: true, userId: seller });
  });

  it('W6: an expired code names nobody', async () => {
    const { code } = await issueLinkCode(pool, seller);
    await pool.query(`update link_code set expires_at = now() - interval '1 second' where user_id = $1`, [seller]);
    expect(await redeemLinkCode(pool, code, 'slack:T1:U2PARTNER')).toEqual({ ok: false, reason: 'invalid' });
  });
});

/**
 * RELIABILITY W6: link codes guessed by brute force. A code is a public selector and six
 * secret digits: wrong guesses are limited per chat identity (5 an hour) and per code
 * (5 wrong digits spend it), so no code falls to more than 5 guesses in a million, and
 * no flood of guesses elsewhere stops a seller's own code. Only the real code, once and
 * in time, names the seller.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import { issueLinkCode, MAX_FAILURES_PER_CODE, redeemLinkCode } from '../../src/identity/link-codes.ts';
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

  /** The `n`th code that is not `code`: another selector (`other`) or the same selector with other digits. */
  const wrong = (code: string, n: number, kind: 'other' | 'digits') => {
    const [selector, digits] = code.split('-') as [string, string];
    const otherDigits = String((Number(digits) + 1 + n) % 1_000_000).padStart(6, '0');
    if (kind === 'digits') return `${selector}-${otherDigits}`;
    const letters = 'CDFHJKMNPRTVWXY';
    let other: string;
    let k = n;
    do {
      other = [0, 1, 2].map((i) => letters[(Math.floor(k / letters.length ** i) + i) % letters.length]).join('');
      k += 1;
    } while (other === selector);
    return `${other}-${digits}`;
  };
  /** Whether the seller's latest code is spent. */
  const spent = async () =>
    (await pool.query('select used_at from link_code where user_id = $1 order by expires_at desc limit 1', [seller]))
      .rows[0].used_at !== null;

  it('issues codes of a selector and six digits, taken in any case, with a dash, a space or neither', async () => {
    for (const typed of [
      (c: string) => c,
      (c: string) => c.toLowerCase(),
      (c: string) => c.replace('-', ' '),
      (c: string) => c.replace('-', ''),
    ]) {
      const { code } = await issueLinkCode(pool, seller);
      expect(code).toMatch(/^[CDFHJKMNPRTVWXY]{3}-\d{6}$/);
      expect(await redeemLinkCode(pool, typed(code), `slack:T1:U${randomUUID()}`)).toEqual({
        ok: true,
        userId: seller,
      });
    }
  });

  it('W6: one identity gets 5 wrong guesses an hour; then even the real code is refused, and stays unspent', async () => {
    const { code } = await issueLinkCode(pool, seller);
    const guesser = 'whatsapp:+15550000001';
    for (let n = 0; n < 5; n++) {
      expect(await redeemLinkCode(pool, wrong(code, n, 'other'), guesser)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await redeemLinkCode(pool, code, guesser)).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(await spent()).toBe(false);
    // another identity is not held back by the guesser, and the code joins it once
    expect(await redeemLinkCode(pool, code, 'slack:T1:U2PARTNER')).toEqual({ ok: true, userId: seller });
    expect(await redeemLinkCode(pool, code, 'slack:T1:U3OTHER')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('W6: a code takes 5 wrong digits, from any identities, then is spent; the seller’s next code works', async () => {
    const { code } = await issueLinkCode(pool, seller);
    for (let n = 0; n < 5; n++) {
      expect(await redeemLinkCode(pool, wrong(code, n, 'digits'), `slack:T1:UBOT${n}`)).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    // the right digits come too late: the code is spent for everyone
    expect(await redeemLinkCode(pool, code, 'slack:T1:U2PARTNER')).toEqual({ ok: false, reason: 'invalid' });
    const { rows } = await pool.query('select failures from link_code where user_id = $1 and used_at is null', [
      seller,
    ]);
    expect(rows).toEqual([{ failures: MAX_FAILURES_PER_CODE }]);
    const next = await issueLinkCode(pool, seller);
    expect(await redeemLinkCode(pool, next.code, 'slack:T1:U2PARTNER')).toEqual({ ok: true, userId: seller });
  });

  it('W6: 300 wrong guesses from as many identities at other codes leave the seller’s own code working', async () => {
    const { code } = await issueLinkCode(pool, seller);
    for (let n = 0; n < 300; n++) {
      expect((await redeemLinkCode(pool, wrong(code, n, 'other'), `slack:T1:UBOT${n}`)).ok).toBe(false);
    }
    expect(await spent()).toBe(false);
    expect(await redeemLinkCode(pool, code, 'slack:T1:UFRESH')).toEqual({ ok: true, userId: seller });
  });

  it('answers text of another shape as no code, without counting it as a guess', async () => {
    const { code } = await issueLinkCode(pool, seller);
    for (const text of ['042917', 'shopify', 'KMT-12345', 'KMTX-123456']) {
      expect(await redeemLinkCode(pool, text, 'whatsapp:+15550000002')).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await redeemLinkCode(pool, code, 'whatsapp:+15550000002')).toEqual({ ok: true, userId: seller });
  });

  it('W6: an expired code names nobody', async () => {
    const { code } = await issueLinkCode(pool, seller);
    await pool.query(`update link_code set expires_at = now() - interval '1 second' where user_id = $1`, [seller]);
    expect(await redeemLinkCode(pool, code, 'slack:T1:U2PARTNER')).toEqual({ ok: false, reason: 'invalid' });
  });
});

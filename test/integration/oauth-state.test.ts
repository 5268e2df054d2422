/**
 * The state of a marketplace authorization started from chat: it gives back exactly
 * what it was bound to, once; replayed, expired, made up or shown to another
 * marketplace's callback, it binds nothing; only its hash is stored.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import { issueOAuthState, type OAuthBinding, takeOAuthState } from '../../src/oauth/oauth-state.ts';
import { seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('marketplace authorization states', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let binding: OAuthBinding;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const seller = await seedSeller(pool, { name: 'meena' });
    binding = {
      userId: seller.userId,
      marketplace: 'shopify',
      account: 'meena-crafts.myshopify.com',
      channel: 'slack',
      conversationId: 'DU1:1790000000.000100',
    };
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('gives back its binding once; a replay is refused', async () => {
    const state = await issueOAuthState(pool, binding);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await takeOAuthState(pool, state, 'shopify')).toEqual({ ok: true, binding });
    expect(await takeOAuthState(pool, state, 'shopify')).toEqual({ ok: false, reason: 'used' });
  });

  it('refuses an expired state, a made-up one and one brought to another marketplace’s callback', async () => {
    const expired = await issueOAuthState(pool, binding);
    await pool.query(`update oauth_state set expires_at = now() - interval '1 second' where used_at is null`);
    expect(await takeOAuthState(pool, expired, 'shopify')).toEqual({ ok: false, reason: 'expired' });
    expect(await takeOAuthState(pool, 'x'.repeat(43), 'shopify')).toEqual({ ok: false, reason: 'unknown' });
    expect(await takeOAuthState(pool, 'short', 'shopify')).toEqual({ ok: false, reason: 'unknown' });
    const fresh = await issueOAuthState(pool, binding);
    expect(await takeOAuthState(pool, fresh, 'amazon')).toEqual({ ok: false, reason: 'unknown' });
    // still good for its own marketplace
    expect((await takeOAuthState(pool, fresh, 'shopify')).ok).toBe(true);
  });

  it('stores only a hash of the state', async () => {
    const state = await issueOAuthState(pool, binding);
    const { rows } = await pool.query('select state_hash from oauth_state');
    expect(rows.every((r) => r.state_hash !== state && !String(r.state_hash).includes(state))).toBe(true);
  });
});

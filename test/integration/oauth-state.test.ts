/**
 * A marketplace authorization started from chat: the link's ticket opens a state tied
 * to the browser that opened it; the state gives back exactly what it was bound to,
 * once, in that browser; replayed, expired, made up, shown by another browser or to
 * another marketplace's callback, it binds nothing; only hashes are stored.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import {
  type ConnectBinding,
  completeConnectTicket,
  issueConnectTicket,
  openConnectTicket,
  takeOAuthState,
} from '../../src/oauth/oauth-state.ts';
import { seedSeller } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('marketplace authorization states', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let binding: ConnectBinding;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const seller = await seedSeller(pool, { name: 'meena' });
    binding = {
      userId: seller.userId,
      marketplace: 'shopify',
      account: 'meena-crafts.myshopify.com',
      connectionId: null,
      sandboxUrl: null,
      announce: { channel: 'slack', conversationId: 'DU1:1790000000.000100', identity: 'T1:U1' },
    };
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  const open = async (ticket: string) => {
    const opened = await openConnectTicket(pool, ticket, 'shopify');
    if (!opened.ok) throw new Error(`not opened: ${opened.reason}`);
    return opened;
  };

  it('gives back its binding once, in the browser that opened the link; a replay is refused', async () => {
    const ticket = await issueConnectTicket(pool, binding);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { state, browser, binding: bound } = await open(ticket);
    expect(bound).toEqual(binding);
    expect(await takeOAuthState(pool, state, 'shopify', undefined)).toEqual({ ok: false, reason: 'other_browser' });
    const other = await open(await issueConnectTicket(pool, binding));
    expect(await takeOAuthState(pool, state, 'shopify', other.browser)).toEqual({ ok: false, reason: 'other_browser' });
    const taken = await takeOAuthState(pool, state, 'shopify', browser);
    expect(taken).toMatchObject({ ok: true, binding });
    expect(await takeOAuthState(pool, state, 'shopify', browser)).toEqual({ ok: false, reason: 'used' });
  });

  it('opening the link again replaces the state; a completed link is spent', async () => {
    const ticket = await issueConnectTicket(pool, binding);
    const first = await open(ticket);
    const second = await open(ticket);
    expect(await takeOAuthState(pool, first.state, 'shopify', first.browser)).toEqual({ ok: false, reason: 'unknown' });
    const taken = await takeOAuthState(pool, second.state, 'shopify', second.browser);
    if (!taken.ok) throw new Error(taken.reason);
    await completeConnectTicket(pool, taken.id);
    expect(await openConnectTicket(pool, ticket, 'shopify')).toEqual({ ok: false, reason: 'completed' });
  });

  it('refuses an expired state or link, a made-up one and one brought to another marketplace', async () => {
    const { state, browser } = await open(await issueConnectTicket(pool, binding));
    await pool.query(
      `update oauth_state set state_expires_at = now() - interval '1 second' where state_used_at is null`,
    );
    expect(await takeOAuthState(pool, state, 'shopify', browser)).toEqual({ ok: false, reason: 'expired' });
    expect(await takeOAuthState(pool, 'x'.repeat(43), 'shopify', browser)).toEqual({ ok: false, reason: 'unknown' });
    expect(await takeOAuthState(pool, 'short', 'shopify', browser)).toEqual({ ok: false, reason: 'unknown' });
    const fresh = await open(await issueConnectTicket(pool, binding));
    expect(await takeOAuthState(pool, fresh.state, 'amazon', fresh.browser)).toEqual({ ok: false, reason: 'unknown' });
    expect(await openConnectTicket(pool, 'y'.repeat(43), 'shopify')).toEqual({ ok: false, reason: 'unknown' });
    const late = await issueConnectTicket(pool, binding, 1000);
    await pool.query(`update oauth_state set expires_at = now() - interval '1 second' where state_hash is null`);
    expect(await openConnectTicket(pool, late, 'shopify')).toEqual({ ok: false, reason: 'expired' });
    // still good for its own marketplace
    expect((await takeOAuthState(pool, fresh.state, 'shopify', fresh.browser)).ok).toBe(true);
  });

  it('stores only hashes of the link, the state and the browser secret', async () => {
    const ticket = await issueConnectTicket(pool, binding);
    const { state, browser } = await open(ticket);
    const { rows } = await pool.query('select ticket_hash, state_hash, browser_hash from oauth_state');
    const stored = JSON.stringify(rows);
    for (const secret of [ticket, state, browser]) expect(stored).not.toContain(secret);
  });
});

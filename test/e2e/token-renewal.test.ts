/**
 * Marketplace tokens keep working for months. Months of scheduled syncs are compressed:
 * the sandbox's access tokens live two seconds and each round starts after they expired.
 * Every round renews each connection's access token once, as its marketplace requires:
 * Shopify's refresh token rotates (the spent one is refused), Login with Amazon's and
 * Flipkart's stay the same. A refresh the marketplace refuses leaves only that
 * connection waiting for the seller to reconnect, its orders and cursors kept.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionTokens, readTokens } from '../../src/connections/connection-tokens.ts';
import type { ConnectionCursors } from '../../src/db/entities/marketplace-connection.entity.ts';
import { MARKETPLACES, type Marketplace } from '../../src/db/enums.ts';
import { emptyStats } from '../../src/marketplaces/api-stats.ts';
import { shopifyApp } from '../../src/marketplaces/shopify/shopify-app.ts';
import { ShopifyOAuth } from '../../src/marketplaces/shopify/shopify-oauth.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import type { ConnectionSyncResult } from '../../src/sync/sync-connection.ts';
import { sandboxAdmin, startSandbox } from '../support/sandbox.ts';
import { expectMatchesTruth, type SyncHarness, useSyncHarness } from '../support/sync-harness.ts';

const TOKEN_TTL_S = 2;
const ROUNDS = 4;

interface StoredConnection {
  status: string;
  lastError: string | null;
  externalAccountId: string;
  cursors: ConnectionCursors;
  orders: number;
  /** Plaintext: assertions compare their fingerprints, never print them. */
  tokens: ConnectionTokens;
}
type Stored = Record<Marketplace, StoredConnection>;

/** What assertions compare and print instead of a token. */
const fingerprint = (token: string | undefined) =>
  token === undefined ? undefined : createHash('sha256').update(token).digest('hex').slice(0, 16);

/** What a connection's assertions look at: its tokens left out. */
const state = ({ status, lastError, orders, cursors }: StoredConnection) => ({ status, lastError, orders, cursors });

const byMarketplace = (runs: ConnectionSyncResult[]) =>
  Object.fromEntries(runs.map((r) => [r.marketplace, r])) as Record<Marketplace, ConnectionSyncResult>;

describe('marketplace tokens over months of syncs', () => {
  const harness = useSyncHarness();
  let h: SyncHarness;
  let sandbox: Sandbox;
  let base: string;
  let seller: string;

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeAll(async () => {
    h = await harness();
    ({ sandbox, base } = await startSandbox({ ordersPerStore: 60, sellers: 1 }));
    // before connecting, so the tokens the seller's consent gives are short-lived too
    sandbox.context.faults.apply(
      Object.fromEntries(MARKETPLACES.map((m) => [m, { tokenTtlS: TOKEN_TTL_S }])) as Record<Marketplace, object>,
    );
    seller = await h.connect(base, '1');
    const backfill = await h.sync(seller);
    const runs = byMarketplace(backfill.connections);
    for (const m of MARKETPLACES) expect(runs[m]?.status, `${m}: ${runs[m]?.error}`).toBe('succeeded');
  });

  /** The seller's connections as stored, tokens opened with the service's vault. */
  async function stored(): Promise<Stored> {
    const { rows } = await h.pool.query(
      `select c.id, c.marketplace, c.status, c.last_error as "lastError", c.external_account_id as "externalAccountId",
              c.cursors, c.access_token_sealed as "accessTokenSealed", c.refresh_token_sealed as "refreshTokenSealed",
              c.token_expires_at as "tokenExpiresAt",
              (select count(*)::int from unified_order o where o.connection_id = c.id) as orders
         from marketplace_connection c where c.user_id = $1`,
      [seller],
    );
    expect(rows.map((r) => r.marketplace).sort()).toEqual([...MARKETPLACES].sort());
    return Object.fromEntries(
      rows.map((r) => {
        const { status, lastError, externalAccountId, cursors, orders } = r;
        const tokens = readTokens(r, h.deps.vault) as ConnectionTokens;
        return [r.marketplace, { status, lastError, externalAccountId, cursors, orders, tokens }];
      }),
    ) as Stored;
  }

  /** Refreshes the sandbox granted so far, per marketplace of seller 1. */
  const refreshes = () =>
    Object.fromEntries(MARKETPLACES.map((m) => [m, sandbox.context.tokens.refreshes(`s1-${m}`)])) as Record<
      Marketplace,
      number
    >;

  /** Waits until every stored access token has expired. */
  async function untilExpired(connections: Stored): Promise<void> {
    const expiries = MARKETPLACES.map((m) => connections[m].tokens.expiresAt?.getTime());
    expect(expiries.every((at) => at !== undefined)).toBe(true);
    await delay(Math.max(0, Math.max(...(expiries as number[])) - Date.now() + 100));
  }

  it('Amazon and Flipkart tokens keep working for months: refresh tokens are used and renewed as each marketplace requires', async () => {
    const connected = await stored();
    const shopifyOAuth = new ShopifyOAuth(shopifyApp(h.deps.config, base), emptyStats());
    let before = connected;
    for (let round = 1; round <= ROUNDS; round++) {
      // between scheduled syncs some orders change and the access tokens expire (the
      // sandbox clock moves little: clients never ask for orders dated after the wall clock)
      await sandboxAdmin(base, 'mutate', { count: 6, advanceMs: 3_600_000 });
      await sandboxAdmin(base, 'clock', { advanceMs: 180_000 }); // Amazon serves changes 2 minutes old
      await untilExpired(before);
      const refreshedBefore = refreshes();
      const runs = byMarketplace((await h.sync(seller)).connections);
      const refreshed = refreshes();
      const after = await stored();
      for (const m of MARKETPLACES) {
        const at = `${m}, round ${round}`;
        expect(runs[m]?.status, `${at}: ${runs[m]?.error}`).toBe('succeeded');
        expect(after[m].status, at).toBe('CONNECTED');
        expect(fingerprint(after[m].tokens.accessToken), at).not.toBe(fingerprint(before[m].tokens.accessToken));
        // renewed once, not before every request
        expect(refreshed[m] - refreshedBefore[m], at).toBe(1);
      }
      // Shopify rotates its refresh token: the new one is stored, the spent one is refused
      const spent = before.shopify.tokens.refreshToken as string;
      expect(fingerprint(after.shopify.tokens.refreshToken)).not.toBe(fingerprint(spent));
      const again = await shopifyOAuth.refresh(after.shopify.externalAccountId, spent).then(
        () => 'accepted', // the grant is not printed: it holds tokens
        (error: { kind?: string }) => error.kind,
      );
      expect(again).toBe('auth_revoked');
      // Login with Amazon and Flipkart keep the one the seller's consent gave
      for (const m of ['amazon', 'flipkart'] as const) {
        expect(after[m].tokens.refreshToken, m).toBeDefined();
        expect(fingerprint(after[m].tokens.refreshToken), m).toBe(fingerprint(connected[m].tokens.refreshToken));
      }
      before = after;
    }
    // every month's changes were read with the renewed tokens
    for (const m of MARKETPLACES) await expectMatchesTruth(h.pool, seller, base, m);
  }, 90_000);

  it('a refresh the marketplace refuses leaves that connection NEEDS_REAUTH, its data kept, the others syncing', async () => {
    const before = await stored();
    await untilExpired(before);
    // the seller withdrew ShopIQ's access in Seller Central: Login with Amazon refuses the refresh token
    expect(sandbox.context.tokens.revoke(before.amazon.tokens.refreshToken as string)).toBe(true);
    const runs = byMarketplace((await h.sync(seller)).connections);
    expect(runs.amazon).toMatchObject({ status: 'failed', failureKind: 'auth_revoked' });
    const after = await stored();
    expect(state(after.amazon)).toEqual({
      ...state(before.amazon),
      status: 'NEEDS_REAUTH',
      lastError: expect.stringMatching(/amazon refused the refresh token/),
    });
    expect(after.amazon.orders).toBeGreaterThan(0);
    for (const m of ['flipkart', 'shopify'] as const) {
      expect(runs[m]?.status, `${m}: ${runs[m]?.error}`).toBe('succeeded');
      expect(state(after[m])).toMatchObject({ status: 'CONNECTED', lastError: null });
    }
    // the next scheduled sync leaves the connection to the seller: the refused token is not tried again
    const next = await h.sync(seller);
    expect(next.connections.map((r) => r.marketplace).sort()).toEqual(['flipkart', 'shopify']);
  });
});

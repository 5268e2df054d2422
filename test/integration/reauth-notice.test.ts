/**
 * Telling a seller once that a connection needs them to sign in again: claimed before
 * it is sent (two workers at once send one notice), given back when it could not be
 * delivered (the next sync tries again), and not sent, nor claimed, to a seller with no
 * chat to reach.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatNotifier } from '../../src/channels/notifier.ts';
import { tellReauthNeeded } from '../../src/connections/reauth-notice.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { type SeededSeller, seedSeller } from '../support/analytics-seed.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { mockTwilioApi, PUBLIC_BASE_URL, type TwilioApiMock, twilioEnv } from '../support/twilio.ts';

describe('the notice to sign in again', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let twilio: TwilioApiMock;
  let deps: Parameters<typeof tellReauthNeeded>[0];

  const revoked = async (seller: SeededSeller) => {
    await pool.query(`update marketplace_connection set status = 'NEEDS_REAUTH' where id = $1`, [
      seller.connections.flipkart,
    ]);
  };
  const toldAt = async (seller: SeededSeller) =>
    (await pool.query('select reauth_told_at from marketplace_connection where id = $1', [seller.connections.flipkart]))
      .rows[0]?.reauth_told_at;
  const onWhatsApp = async (seller: SeededSeller, number: string, seenHoursAgo: number) => {
    await linkIdentity(pool, { channel: 'whatsapp', externalId: number }, seller.userId);
    await pool.query(
      'update channel_identity set last_seen_at = now() - make_interval(hours => $2) where external_id = $1',
      [number, seenHoursAgo],
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    twilio = mockTwilioApi();
    const config = testConfig({ DATABASE_URL: db.url, ...twilioEnv() });
    const log = createLogger({ logLevel: 'silent' });
    const notifier = createChatNotifier({ config, db: pool, vault: new TokenVault(resolveKeyring(config, log)), log });
    deps = { pool, notifier, publicBaseUrl: config.publicBaseUrl, log };
  });
  beforeEach(() => {
    twilio.sent.length = 0;
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('two workers at once send one notice, with a link to sign in to Flipkart again', async () => {
    const seller = await seedSeller(pool, { name: 'meera' });
    await onWhatsApp(seller, '+919845550601', 1);
    await revoked(seller);
    const told = await Promise.all([tellReauthNeeded(deps, seller.userId), tellReauthNeeded(deps, seller.userId)]);
    expect(told.flat()).toEqual([seller.connections.flipkart]);
    expect(twilio.to('+919845550601')).toHaveLength(1);
    expect(twilio.to('+919845550601')[0]?.Body).toMatch(
      new RegExp(
        `^Your Flipkart connection needs you to sign in again: [^]*\\n\\nSign in to Flipkart again: ${PUBLIC_BASE_URL}/oauth/flipkart/start\\?ticket=`,
      ),
    );
    expect(await toldAt(seller)).toBeInstanceOf(Date);
    expect(await tellReauthNeeded(deps, seller.userId)).toEqual([]);
  });

  it('gives the claim back when the notice cannot be delivered, so the next sync tries again', async () => {
    const seller = await seedSeller(pool, { name: 'ravi' });
    // last wrote two days ago, and no template to send outside the 24-hour window: held back
    await onWhatsApp(seller, '+919845550602', 48);
    await revoked(seller);
    expect(await tellReauthNeeded(deps, seller.userId)).toEqual([]);
    expect(twilio.sent).toHaveLength(0);
    expect(await toldAt(seller)).toBeNull();
  });

  it('sends nothing, and claims nothing, for a seller with no chat to reach', async () => {
    const seller = await seedSeller(pool, { name: 'anu' });
    await revoked(seller);
    expect(await tellReauthNeeded(deps, seller.userId)).toEqual([]);
    expect(twilio.sent).toHaveLength(0);
    expect(await toldAt(seller)).toBeNull();
  });
});

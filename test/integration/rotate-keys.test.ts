import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTokens, storeTokens } from '../../src/connections/connection-tokens.ts';
import { rotateKeys } from '../../src/crypto/rotate-keys.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { MarketplaceConnection, User } from '../../src/db/entities/index.ts';
import { type MikroORM, openOrm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { query } from '../support/pg-admin.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const log = createLogger({ logLevel: 'silent' });
const k1 = randomBytes(32);
const k2 = randomBytes(32);
const oldVault = new TokenVault({ keys: new Map([['k1', k1]]), activeKeyId: 'k1' });
const rotatingVault = new TokenVault({
  keys: new Map([
    ['k1', k1],
    ['k2', k2],
  ]),
  activeKeyId: 'k2',
});
const newVault = new TokenVault({ keys: new Map([['k2', k2]]), activeKeyId: 'k2' });

describe('tokens at rest and key rotation', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  const ids: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openOrm({ databaseUrl: db.url, log });
    const em = orm.em.fork();
    const user = em.create(User, { displayName: 'seller' });
    for (const marketplace of ['shopify', 'flipkart', 'amazon'] as const) {
      const connection = em.create(MarketplaceConnection, { user, marketplace, externalAccountId: `${marketplace}-1` });
      storeTokens(
        connection,
        {
          accessToken: `${marketplace}-access`,
          refreshToken: marketplace === 'shopify' ? undefined : `${marketplace}-refresh`,
        },
        oldVault,
      );
      ids.push(connection.id);
    }
    await em.flush();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  const load = (id: string) =>
    orm.em.fork().findOneOrFail(MarketplaceConnection, id, { populate: ['accessTokenSealed', 'refreshTokenSealed'] });

  it('stores no token in plaintext', async () => {
    const rows = await query<{ a: string; r: string | null }>(
      db.url,
      'select access_token_sealed as a, refresh_token_sealed as r from marketplace_connection',
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.a).toMatch(/^v1\.k1\./);
      expect(row.a).not.toContain('access');
    }
  });

  it('a token copied onto another connection row does not decrypt', async () => {
    const [first, second] = ids;
    await query(
      db.url,
      'update marketplace_connection set access_token_sealed = (select access_token_sealed from marketplace_connection where id = $1) where id = $2',
      [first, second],
    );
    const tampered = await load(second as string);
    expect(() => readTokens(tampered, oldVault)).toThrow(/failed authentication/);
    // put the right token back for the rotation test
    const em = orm.em.fork();
    const conn = await em.findOneOrFail(MarketplaceConnection, second as string);
    storeTokens(conn, { accessToken: 'flipkart-access', refreshToken: 'flipkart-refresh' }, oldVault);
    await em.flush();
  });

  it('rotate-keys re-encrypts every token under the active key; afterwards the old key can go', async () => {
    const report = await rotateKeys(orm.em.fork(), rotatingVault, log);
    expect(report).toMatchObject({ activeKeyId: 'k2', connections: 3, secretsRewrapped: 5, secretsAlreadyCurrent: 0 });
    expect(report.failures).toEqual([]);
    for (const [i, marketplace] of ['shopify', 'flipkart', 'amazon'].entries()) {
      const tokens = readTokens(await load(ids[i] as string), newVault);
      expect(tokens?.accessToken).toBe(`${marketplace}-access`);
      expect(tokens?.refreshToken).toBe(marketplace === 'shopify' ? undefined : `${marketplace}-refresh`);
    }
    const again = await rotateKeys(orm.em.fork(), rotatingVault, log);
    expect(again).toMatchObject({ secretsRewrapped: 0, secretsAlreadyCurrent: 5 });
  });

  it('reports a token it cannot open and still rotates the rest', async () => {
    const [first] = ids;
    await query(
      db.url,
      "update marketplace_connection set access_token_sealed = 'v1.k2.AAAA.AAAA.AAAA' where id = $1",
      [first],
    );
    const k3 = new TokenVault({
      keys: new Map([
        ['k2', k2],
        ['k3', randomBytes(32)],
      ]),
      activeKeyId: 'k3',
    });
    const report = await rotateKeys(orm.em.fork(), k3, log);
    expect(report.failures).toEqual([
      expect.objectContaining({
        connectionId: first,
        field: 'access_token',
        reason: expect.stringMatching(/failed authentication/),
      }),
    ]);
    expect(report.secretsRewrapped).toBe(4);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readSellerData } from '../../src/analytics/seller-reads.ts';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import { bindTools } from '../../src/conversation/tools/index.ts';
import { defineTool } from '../../src/conversation/tools/tool.ts';
import { closePool } from '../../src/db/pool.ts';
import { READER_ROLE, readAsSeller, SELLER_TABLES } from '../../src/db/seller-reader.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { type SeededSeller, seedOrder, seedProduct, seedSeller, seedUsdRate } from '../support/analytics-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * Tenancy enforced by the database: the analytics and tool reads run as a read-only
 * role under row-level security bound to one seller, so a query that forgets its
 * `user_id` predicate still reads that seller's rows only.
 */
describe('the seller reader (read-only role, row-level security)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let a: SeededSeller;
  let b: SeededSeller;

  const count = async (q: { query: pg.Pool['query'] }, table: string) =>
    Number((await q.query<{ n: string }>(`select count(*) as n from "${table}"`)).rows[0]?.n);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    // two sellers with identical order ids and SKUs; B has more of everything
    a = await seedSeller(pool, { name: 'alpha' });
    b = await seedSeller(pool, { name: 'beta' });
    for (const [seller, orders] of [
      [a, 2],
      [b, 5],
    ] as const) {
      for (let n = 1; n <= orders; n++) {
        await seedOrder(pool, seller, {
          marketplace: 'shopify',
          id: `#100${n}`,
          orderedAt: `2026-10-0${n}T10:00:00Z`,
          currency: 'USD',
          total: '10.00',
          usd: '10.00',
          items: [{ sku: 'KURTA', quantity: 1, price: '10.00' }],
        });
      }
      await seedProduct(pool, seller, {
        marketplace: 'shopify',
        sku: 'KURTA',
        title: 'Kurta',
        stock: 3,
        price: '10.00',
        currency: 'USD',
      });
    }
    await seedUsdRate(pool, '2026-10-01', 'INR', '88');
    // the rollup rows exist for both sellers
    for (const seller of [a, b]) {
      await readSellerData(pool, (await loadSellerScope(pool, seller.userId)) as SellerScope, async () => {});
    }
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('answers a query with no user_id predicate with the bound seller’s rows only, in every seller table', async () => {
    for (const table of SELLER_TABLES) {
      const everyone = await count(pool, table);
      const ofA = await readAsSeller(pool, a.userId, (reader) => count(reader, table));
      const ofB = await readAsSeller(pool, b.userId, (reader) => count(reader, table));
      expect(ofA, table).toBeGreaterThan(0);
      expect(ofA + ofB, table).toBe(everyone);
      const { rows } = await readAsSeller(pool, a.userId, (reader) =>
        reader.query<{ user_id: string }>(`select distinct user_id from "${table}"`),
      );
      expect(rows.map((r) => r.user_id)).toEqual([a.userId]);
    }
    // a deliberately unscoped sum: A's two orders, not the seven of both
    const total = await readAsSeller(pool, a.userId, (reader) =>
      reader.query<{ total: string }>('select sum(total_amount)::text as total from unified_order'),
    );
    expect(total.rows[0]?.total).toBe('20.0000');
    // shared reference data stays readable whole
    expect(await readAsSeller(pool, a.userId, (reader) => count(reader, 'fx_rate'))).toBe(1);
  });

  it('gives a tool whose SQL forgets the seller only the asking seller’s rows', async () => {
    const forgetful = defineTool({
      name: 'forgetful',
      description: 'counts orders, forgetting to say whose',
      input: z.object({}),
      execute: async (_input, ctx) => ({ result: { orders: await count(ctx.db, 'unified_order') } }),
    });
    for (const [seller, orders] of [
      [a, 2],
      [b, 5],
    ] as const) {
      const scope = (await loadSellerScope(pool, seller.userId)) as SellerScope;
      const request = { pool, scope, now: new Date(), freshness: async () => [] };
      const [tool] = bindTools(request, createLogger({ logLevel: 'silent' }), [forgetful]);
      const run = await tool?.run({});
      expect(run?.ok && run.output.result).toEqual({ orders });
    }
  });

  it('reads nothing as the reader with no seller bound', async () => {
    const client = await pool.connect();
    try {
      await client.query(`begin; set local role ${READER_ROLE}`);
      for (const table of SELLER_TABLES) expect(await count(client, table), table).toBe(0);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('can write nothing, and cannot read connections, tokens or chat', async () => {
    const before = await count(pool, 'unified_order');
    await expect(readAsSeller(pool, a.userId, (reader) => reader.query('delete from unified_order'))).rejects.toThrow(
      /read-only transaction|permission denied/,
    );
    await expect(
      readAsSeller(pool, a.userId, (reader) => reader.query(`reset role; delete from unified_order`)),
    ).rejects.toThrow(/read-only transaction|cannot insert multiple commands/);
    expect(await count(pool, 'unified_order')).toBe(before);
    for (const table of ['marketplace_connection', 'user', 'chat_message', 'channel_identity']) {
      await expect(
        readAsSeller(pool, a.userId, (reader) => count(reader, table)),
        table,
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('leaves the pooled connection as it was: the next user of it is the service again, bound to no seller', async () => {
    const single = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const { rows: service } = await single.query<{ who: string }>('select current_user as who');
      await readAsSeller(single, a.userId, async (reader) => {
        const { rows } = await reader.query<{ who: string; seller: string }>(
          `select current_user as who, current_setting('shopiq.seller_id', true) as seller`,
        );
        expect(rows[0]).toEqual({ who: READER_ROLE, seller: a.userId });
      });
      await expect(readAsSeller(single, b.userId, () => Promise.reject(new Error('a tool failed')))).rejects.toThrow(
        'a tool failed',
      );
      const { rows } = await single.query<{ who: string; seller: string | null }>(
        `select current_user as who, nullif(current_setting('shopiq.seller_id', true), '') as seller`,
      );
      expect(rows[0]).toEqual({ who: service[0]?.who, seller: null });
      expect(await count(single, 'unified_order')).toBe(7);
    } finally {
      await closePool(single);
    }
  });

  it('refuses a seller id that is not a uuid before any SQL', async () => {
    await expect(readAsSeller(pool, `${a.userId}'; reset role; --`, async () => 1)).rejects.toThrow(/uuid/);
  });
});

/**
 * Shopify's webhooks over loopback to a running web service, signed as Shopify signs
 * them (base64 HMAC-SHA256 of the raw body with the app secret): a bad HMAC gets 401;
 * `app/uninstalled` disconnects and forgets the tokens; `customers/data_request` is
 * answered from what is held; `customers/redact` leaves no trace of the customer's name
 * or e-mail in any table; `shop/redact` leaves no row of the shop.
 */
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { closePool } from '../../src/db/pool.ts';
import { type SeededSeller, seedOrder, seedSeller } from '../support/analytics-seed.ts';
import { startWebService } from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const SECRET = 'shpss_test_app_secret';
const NAME = 'Priya Raman';
const EMAIL = 'priya.raman@example.in';
const PHONE = '+919812300077';

describe('Shopify webhooks', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let app: App;
  let seller: SeededSeller;
  let shop: string;
  let sent = 0;

  const post = (topic: string, payload: unknown, hmac?: string, webhookId = `wh-${++sent}`) => {
    const body = JSON.stringify(payload);
    return fetch(`${app.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': shop,
        'x-shopify-webhook-id': webhookId,
        'x-shopify-hmac-sha256': hmac ?? createHmac('sha256', SECRET).update(body).digest('base64'),
      },
      body,
    });
  };
  /** Rows anywhere in the database whose text holds `needle`. */
  async function tracesOf(needle: string): Promise<string[]> {
    const { rows: tables } = await pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const found: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await pool.query(`select count(*)::int as n from "${table_name}" t where t::text ilike $1`, [
        `%${needle}%`,
      ]);
      if (rows[0].n > 0) found.push(table_name);
    }
    return found;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    seller = await seedSeller(pool, { name: 'lata' });
    shop = 'lata-shopify';
    for (const id of ['gid://shopify/Order/1001', 'gid://shopify/Order/1002']) {
      await seedOrder(pool, seller, {
        marketplace: 'shopify',
        id,
        orderedAt: '2026-11-10T06:00:00Z',
        currency: 'USD',
        total: '40.00',
        usd: '40.00',
        items: [{ sku: 'MUG', quantity: 1, price: '40.00', title: 'Stoneware mug' }],
      });
    }
    await pool.query(
      `update marketplace_connection set access_token_sealed = 'sealed-access', refresh_token_sealed = 'sealed-refresh'
        where id = $1`,
      [seller.connections.shopify],
    );
    await pool.query(
      `insert into chat_message (user_id, channel, conversation_id, role, content, created_at)
       values ($1, 'slack', 'D1', 'user', $2, now())`,
      [seller.userId, `Did ${EMAIL} (${PHONE}) order again last month?`],
    );
    await pool.query(
      `insert into sync_quarantine (user_id, connection_id, marketplace, stream, external_id, reason, payload, seen_at)
       values ($1, $2, 'shopify', 'orders', 's9', 'bad date', $3, now())`,
      [seller.userId, seller.connections.shopify, JSON.stringify({ note: `ship to ${EMAIL}`, createdAt: 'soon' })],
    );
    app = await startWebService(db.url, { SHOPIFY_API_KEY: 'test-key', SHOPIFY_API_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.stop();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('refuses a bad HMAC with 401 and changes nothing', async () => {
    const res = await post(
      'shop/redact',
      { shop_domain: shop },
      createHmac('sha256', 'not-the-secret').update('{}').digest('base64'),
    );
    expect(res.status).toBe(401);
    const { rows } = await pool.query('select count(*)::int as n from marketplace_connection where id = $1', [
      seller.connections.shopify,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('answers customers/data_request from what it holds: the orders named, and no personal data', async () => {
    const res = await post('customers/data_request', {
      shop_id: 1,
      shop_domain: shop,
      customer: { id: 7, email: EMAIL, phone: PHONE },
      orders_requested: [1001],
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { personal_data: string; orders: { external_order_id: string }[] };
    expect(answer.personal_data).toBe('none kept');
    expect(answer.orders.map((o) => o.external_order_id)).toEqual(['gid://shopify/Order/1001']);
    // orders carry no buyer columns at all
    const { rows } = await pool.query(
      `select column_name from information_schema.columns where table_name = 'unified_order' and column_name ~ 'customer|buyer|email'`,
    );
    expect(rows).toEqual([]);
  });

  it('removes every trace of the customer on customers/redact, chat history included', async () => {
    expect((await tracesOf(EMAIL)).sort()).toEqual(['chat_message', 'sync_quarantine']);
    const res = await post('customers/redact', {
      shop_id: 1,
      shop_domain: shop,
      customer: { id: 7, email: EMAIL, phone: PHONE },
      orders_to_redact: [],
    });
    expect(res.status).toBe(200);
    expect(await tracesOf(EMAIL)).toEqual([]);
    expect(await tracesOf(PHONE)).toEqual([]);
    expect(await tracesOf(NAME)).toEqual([]);
    // the orders themselves stay, for the seller's figures
    const { rows } = await pool.query('select count(*)::int as n from unified_order where user_id = $1', [
      seller.userId,
    ]);
    expect(rows[0].n).toBe(2);
  });

  it('C1: does a customers/redact whose handling failed when Shopify delivers it again', async () => {
    const kavya = 'kavya.iyer@example.in';
    await pool.query(
      `insert into chat_message (user_id, channel, conversation_id, role, content, created_at)
       values ($1, 'slack', 'D1', 'user', $2, now())`,
      [seller.userId, `Has ${kavya} ordered since?`],
    );
    const payload = { shop_id: 1, shop_domain: shop, customer: { id: 8, email: kavya }, orders_to_redact: [] };
    // the redact's database connection drops while its scrub waits on a lock
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('begin');
      await admin.query('lock table chat_message in exclusive mode');
      const failing = post('customers/redact', payload, undefined, 'wh-redact-again');
      let blocked: number | undefined;
      while (blocked === undefined) {
        const { rows } = await admin.query<{ pid: number }>(
          `select pid from pg_locks where relation = 'chat_message'::regclass and not granted`,
        );
        blocked = rows[0]?.pid;
      }
      await admin.query('select pg_terminate_backend($1)', [blocked]);
      await admin.query('rollback');
      expect((await failing).status).toBe(500);
    } finally {
      await admin.end();
    }
    expect(await tracesOf(kavya)).toEqual(['chat_message']);
    const again = await post('customers/redact', payload, undefined, 'wh-redact-again');
    expect(again.status).toBe(200);
    expect(await tracesOf(kavya)).toEqual([]);
  });

  it('disconnects and forgets the tokens on app/uninstalled, once per webhook id', async () => {
    const res = await post('app/uninstalled', { domain: shop }, undefined, 'wh-uninstall');
    expect(res.status).toBe(200);
    const again = await post('app/uninstalled', { domain: shop }, undefined, 'wh-uninstall');
    expect(await again.json()).toEqual({ duplicate: true });
    const { rows } = await pool.query(
      'select status, access_token_sealed, refresh_token_sealed from marketplace_connection where id = $1',
      [seller.connections.shopify],
    );
    expect(rows[0]).toEqual({ status: 'DISCONNECTED', access_token_sealed: null, refresh_token_sealed: null });
  });

  it('leaves no row of the shop on shop/redact', async () => {
    const res = await post('shop/redact', { shop_id: 1, shop_domain: shop });
    expect(res.status).toBe(200);
    const { rows: tables } = await pool.query<{ table_name: string }>(
      `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'connection_id'`,
    );
    for (const { table_name } of tables) {
      const { rows } = await pool.query(`select count(*)::int as n from "${table_name}" where connection_id = $1`, [
        seller.connections.shopify,
      ]);
      expect(rows[0].n, table_name).toBe(0);
    }
    const { rows } = await pool.query('select count(*)::int as n from marketplace_connection where id = $1', [
      seller.connections.shopify,
    ]);
    expect(rows[0].n).toBe(0);
    // the seller's other marketplaces stay
    const others = await pool.query('select count(*)::int as n from marketplace_connection where user_id = $1', [
      seller.userId,
    ]);
    expect(others.rows[0].n).toBe(2);
  });
});

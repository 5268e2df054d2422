/**
 * Sellers and orders written straight into the unified tables, for analytics tests
 * that need exact, hand-checked figures (the sandbox gives realistic ones).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Marketplace, OrderStatus } from '../../src/db/enums.ts';

export interface SeededSeller {
  userId: string;
  connections: Record<Marketplace, string>;
}

export async function seedSeller(
  pool: pg.Pool,
  { timezone = 'UTC', currency = 'USD', name = 'seller' } = {},
): Promise<SeededSeller> {
  const userId = randomUUID();
  await pool.query(
    `insert into "user" (id, display_name, timezone, reporting_currency, created_at, updated_at)
     values ($1, $2, $3, $4, now(), now())`,
    [userId, name, timezone, currency],
  );
  const connections = {} as Record<Marketplace, string>;
  for (const marketplace of ['shopify', 'flipkart', 'amazon'] as const) {
    connections[marketplace] = randomUUID();
    await pool.query(
      `insert into marketplace_connection (id, user_id, marketplace, external_account_id, status, created_at, updated_at)
       values ($1, $2, $3, $4, 'CONNECTED', now(), now())`,
      [connections[marketplace], userId, marketplace, `${name}-${marketplace}`],
    );
  }
  return { userId, connections };
}

export interface SeedOrder {
  marketplace: Marketplace;
  id: string;
  orderedAt: string;
  currency: string;
  /** Net sales (revenue); what the buyer paid too, unless `collected` says otherwise. */
  total: string;
  usd: string | null;
  /** What the buyer paid, with shipping and tax; `usd` converts it at the same rate. */
  collected?: string;
  status?: OrderStatus;
  hasReturn?: boolean;
  refunded?: string;
  /** `returnedAt`: when the returned units came back (default: 5 days after the order). */
  items?: readonly {
    sku: string;
    quantity: number;
    price: string;
    returned?: number;
    returnedAt?: string;
    title?: string;
  }[];
}

export async function seedOrder(pool: pg.Pool, seller: SeededSeller, order: SeedOrder): Promise<void> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into unified_order (user_id, connection_id, marketplace, external_order_id, status, source_status, currency,
       total_amount, total_amount_usd, fx_flag, item_count, has_return, refunded_amount, is_refunded,
       ordered_at, source_updated_at, synced_at, created_at, updated_at, net_sales, net_sales_usd)
     values ($1, $2, $3, $4, $5::text, $5::text, $6, coalesce($14::numeric, $7::numeric),
             $8::numeric * coalesce($14::numeric, $7::numeric) / nullif($7::numeric, 0), $9, $10, $11,
             $12::numeric, $12::numeric is not null, $13, $13, now(), now(), now(), $7::numeric, $8::numeric)
     returning id`,
    [
      seller.userId,
      seller.connections[order.marketplace],
      order.marketplace,
      order.id,
      order.status ?? 'DELIVERED',
      order.currency,
      order.total,
      order.usd,
      order.usd === null ? 'RATE_MISSING' : null,
      order.items?.length ?? 0,
      order.hasReturn ?? false,
      order.refunded ?? null,
      order.orderedAt,
      order.collected ?? null,
    ],
  );
  for (const [n, item] of (order.items ?? []).entries()) {
    await pool.query(
      `insert into unified_order_item (order_id, user_id, connection_id, marketplace, external_item_id, title, sku,
         normalized_sku, quantity, unit_price, total_price, net_sales, currency, is_returned, returned_quantity,
         returned_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7::text, upper($7::text), $8::int, $9::numeric, $9::numeric * $8::int,
               $9::numeric * $8::int, $10, $11::int > 0, $11::int,
               case when $11::int > 0 then coalesce($12::timestamptz, $13::timestamptz + interval '5 days') end,
               now(), now())`,
      [
        rows[0]?.id,
        seller.userId,
        seller.connections[order.marketplace],
        order.marketplace,
        `${order.id}-${n}`,
        item.title ?? item.sku,
        item.sku,
        item.quantity,
        item.price,
        order.currency,
        item.returned ?? 0,
        item.returnedAt ?? null,
        order.orderedAt,
      ],
    );
  }
}

export async function seedUsdRate(pool: pg.Pool, date: string, quote: string, rate: string): Promise<void> {
  await pool.query(`insert into fx_rate (rate_date, base, quote, rate, source) values ($1, 'USD', $2, $3, 'test')`, [
    date,
    quote,
    rate,
  ]);
}

export async function seedProduct(
  pool: pg.Pool,
  seller: SeededSeller,
  p: {
    marketplace: Marketplace;
    sku: string;
    title: string;
    stock: number | null;
    price: string;
    currency: string;
    category?: string;
  },
): Promise<void> {
  await pool.query(
    `insert into unified_product (user_id, connection_id, marketplace, external_id, title, sku, normalized_sku,
       price, currency, inventory, category, status, synced_at, created_at, updated_at)
     values ($1, $2, $3, $4::text, $5, $4::text, upper($4::text), $6, $7, $8, $9, 'ACTIVE', now(), now(), now())`,
    [
      seller.userId,
      seller.connections[p.marketplace],
      p.marketplace,
      p.sku,
      p.title,
      p.price,
      p.currency,
      p.stock,
      p.category ?? null,
    ],
  );
}

/**
 * A seller's data as of now: one ₹4,400 order of a jute rug on each marketplace given
 * (repeats allowed), on the `day`th of last month (UTC), at 88 INR to the dollar, and
 * every connection just synced (no refresh is asked for before answering).
 */
export async function seedLastMonthRugOrders(
  pool: pg.Pool,
  seller: SeededSeller,
  marketplaces: readonly Marketplace[],
  day = 10,
): Promise<void> {
  const at = new Date();
  at.setUTCDate(day);
  at.setUTCMonth(at.getUTCMonth() - 1);
  const date = at.toISOString().slice(0, 10);
  await seedUsdRate(pool, date, 'INR', '88.0');
  for (const [i, marketplace] of marketplaces.entries()) {
    await seedOrder(pool, seller, {
      marketplace,
      id: `rug-${i}`,
      orderedAt: `${date}T06:00:00Z`,
      currency: 'INR',
      total: '4400.00',
      usd: '50.00',
      items: [{ sku: 'RUG', quantity: 1, price: '4400.00', title: 'Jute rug' }],
    });
  }
  await pool.query('update marketplace_connection set last_sync_at = now() where user_id = $1', [seller.userId]);
}

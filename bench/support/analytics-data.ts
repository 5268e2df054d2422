/**
 * Sellers with many orders, written by SQL in bulk for the analytics and chat-turn
 * benchmarks: three connected marketplaces (Shopify in USD, Flipkart and Amazon in
 * INR), orders spread over 18 months ending now, a mix of statuses, one line each over
 * 50 products (net sales with 5% tax on top), and a daily USD → INR rate.
 */
import type pg from 'pg';

export async function seedUsdInrRates(pool: pg.Pool): Promise<void> {
  await pool.query(
    `insert into fx_rate (rate_date, base, quote, rate, source)
     select d::date, 'USD', 'INR', 88, 'bench' from generate_series(now() - interval '19 months', now(), interval '1 day') d`,
  );
}

export async function seedBenchSeller(pool: pg.Pool, name: string, orders: number): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into "user" (id, display_name, timezone, reporting_currency, created_at, updated_at)
     values (gen_random_uuid(), $1, 'Asia/Kolkata', 'INR', now(), now()) returning id`,
    [name],
  );
  const userId = rows[0]?.id as string;
  await pool.query(
    `insert into marketplace_connection (id, user_id, marketplace, external_account_id, status, last_sync_at, created_at, updated_at)
     select gen_random_uuid(), $1, m, $2 || '-' || m, 'CONNECTED', now(), now(), now()
       from unnest(array['shopify', 'flipkart', 'amazon']) m`,
    [userId, name],
  );
  // in slices, so memory stays flat at millions of orders
  const slice = 250_000;
  for (let from = 1; from <= orders; from += slice) {
    await pool.query(
      `with c as (select id, marketplace, row_number() over (order by marketplace) - 1 as n
                    from marketplace_connection where user_id = $1),
            o as (insert into unified_order (user_id, connection_id, marketplace, external_order_id, status, source_status,
                    currency, item_sales, discount_amount, net_sales, shipping_amount, tax_amount, total_amount,
                    net_sales_usd, total_amount_usd, item_count, has_return, ordered_at, source_updated_at,
                    synced_at, created_at, updated_at)
                  select $1, c.id, c.marketplace, 'o' || i,
                         (array['DELIVERED','DELIVERED','SHIPPED','CANCELLED','RETURNED'])[1 + i % 5], 'x',
                         case when c.marketplace = 'shopify' then 'USD' else 'INR' end,
                         -- net sales 100–999, 5% tax on top, no discount or shipping
                         (100 + i % 900)::numeric, 0, (100 + i % 900)::numeric, 0, (100 + i % 900) * 0.05,
                         (100 + i % 900) * 1.05,
                         ((100 + i % 900) / case when c.marketplace = 'shopify' then 1 else 88 end)::numeric(20,4),
                         ((100 + i % 900) * 1.05 / case when c.marketplace = 'shopify' then 1 else 88 end)::numeric(20,4),
                         1, i % 5 = 4, now() - (i % 540) * interval '1 day' - (i % 1440) * interval '1 minute',
                         now(), now(), now(), now()
                    from generate_series($2::int, $3::int) i join c on c.n = i % 3
                  returning id, user_id, connection_id, marketplace, net_sales, tax_amount, currency, status)
       insert into unified_order_item (order_id, user_id, connection_id, marketplace, external_item_id, title, sku,
              normalized_sku, quantity, unit_price, total_price, discount_amount, net_sales, tax_amount, currency,
              is_returned, returned_quantity, created_at, updated_at)
       select id, user_id, connection_id, marketplace, 'i' || id, 'Product ' || (id % 50), 'SKU-' || (id % 50),
              'SKU-' || (id % 50), 1, net_sales, net_sales, 0, net_sales, tax_amount, currency, status = 'RETURNED',
              case when status = 'RETURNED' then 1 else 0 end, now(), now() from o`,
      [userId, from, Math.min(orders, from + slice - 1)],
    );
  }
  return userId;
}

/**
 * The analytics benchmark's baseline: the same rows in DuckDB (in memory), asked the
 * same questions straight from the order tables, with the same rules (periods in the
 * seller's timezone, cancelled orders left out of revenue, each order converted at
 * its UTC day's rate or the last one within a week before).
 *
 * Rows leave PostgreSQL by COPY … TO STDOUT as CSV files and DuckDB reads them.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Period } from '../../src/analytics/period.ts';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';

const TABLES = {
  orders: {
    from: `select id, user_id, marketplace, currency, status, net_sales, net_sales_usd, total_amount, total_amount_usd,
                  refunded_amount, ordered_at
             from unified_order`,
    columns: `{'id': 'BIGINT', 'user_id': 'UUID', 'marketplace': 'VARCHAR', 'currency': 'VARCHAR', 'status': 'VARCHAR',
               'net_sales': 'DECIMAL(20,4)', 'net_sales_usd': 'DECIMAL(20,4)',
               'total_amount': 'DECIMAL(20,4)', 'total_amount_usd': 'DECIMAL(20,4)', 'refunded_amount': 'DECIMAL(20,4)',
               'ordered_at': 'TIMESTAMPTZ'}`,
  },
  items: {
    from: `select order_id, user_id, marketplace, currency, normalized_sku, title, quantity, net_sales, is_cancelled,
                  returned_quantity
             from unified_order_item`,
    columns: `{'order_id': 'BIGINT', 'user_id': 'UUID', 'marketplace': 'VARCHAR', 'currency': 'VARCHAR',
               'normalized_sku': 'VARCHAR', 'title': 'VARCHAR', 'quantity': 'INTEGER', 'net_sales': 'DECIMAL(20,4)',
               'is_cancelled': 'BOOLEAN', 'returned_quantity': 'INTEGER'}`,
  },
  fx: {
    from: `select rate_date, quote, rate from fx_rate where base = 'USD'`,
    columns: `{'rate_date': 'DATE', 'quote': 'VARCHAR', 'rate': 'DECIMAL(24,10)'}`,
  },
};

export interface DuckDbAnalytics {
  /** Orders, revenue and returns by marketplace (the sales_summary and return_rate questions). */
  summary(scope: SellerScope, period: Period): Promise<{ k: string; orders: number; revenue: string }[]>;
  /** Each product (normalized SKU) per marketplace (compare_product_marketplaces). */
  productsByMarketplace(scope: SellerScope, period: Period): Promise<unknown[]>;
  close(): void;
}

export async function loadIntoDuckDb(pool: pg.Pool, dir: string): Promise<DuckDbAnalytics> {
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  for (const [name, table] of Object.entries(TABLES)) {
    const file = path.join(dir, `${name}.csv`);
    const client = await pool.connect();
    try {
      await pipeline(client.query(copyTo(`copy (${table.from}) to stdout with (format csv)`)), createWriteStream(file));
    } finally {
      client.release();
    }
    await duck.run(
      `create table ${name} as select * from read_csv('${file}', header = false, columns = ${table.columns})`,
    );
  }
  return {
    summary: async (scope, period) =>
      rows(duck, SUMMARY, [scope.userId, period.start, period.end, scope.timezone, scope.currency]) as Promise<
        { k: string; orders: number; revenue: string }[]
      >,
    productsByMarketplace: (scope, period) =>
      rows(duck, PRODUCTS, [scope.userId, period.start, period.end, scope.timezone, scope.currency]),
    close: () => {
      duck.closeSync();
      instance.closeSync();
    },
  };
}

async function rows(duck: DuckDBConnection, sql: string, values: string[]): Promise<Record<string, unknown>[]> {
  const reader = await duck.runAndReadAll(sql, values);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** $1 seller, $2..$3 local days (end exclusive), $4 timezone, $5 reporting currency. */
const IN_PERIOD = `o.user_id = $1::uuid
  and o.ordered_at >= ($2::date::timestamp at time zone $4) and o.ordered_at < ($3::date::timestamp at time zone $4)`;

/** The rate for a part's UTC day: the last one on or before it, within a week. */
const CONVERTED = (native: string, usd: string) => `case when p.currency = $5 then ${native}
       when $5 = 'USD' then ${usd}
       when p.fx_day - f.rate_date < 7 then ${usd} * f.rate end`;

const SUMMARY = `
  with parts as (
    select o.marketplace as k, o.currency, (o.ordered_at at time zone 'UTC')::date as fx_day,
           count(*) as orders,
           count(*) filter (where o.status = 'CANCELLED') as cancelled,
           coalesce(sum(o.net_sales) filter (where o.status <> 'CANCELLED'), 0) as sales,
           coalesce(sum(o.net_sales_usd) filter (where o.status <> 'CANCELLED'), 0) as sales_usd,
           coalesce(sum(o.refunded_amount), 0) as refunds
      from orders o
     where ${IN_PERIOD}
     group by all
  ),
  lines as (
    select o.marketplace as k,
           count(distinct o.id) filter (where o.status <> 'CANCELLED'
             and (o.status = 'RETURNED' or i.returned_quantity > 0)) as returned_orders,
           sum(i.quantity) filter (where not i.is_cancelled and o.status <> 'CANCELLED') as units,
           sum(i.returned_quantity) as returned_units
      from items i join orders o on o.id = i.order_id
     where i.user_id = $1::uuid and ${IN_PERIOD}
     group by all
  ),
  money as (
    select p.k, sum(p.orders)::int as orders, sum(p.cancelled)::int as cancelled,
           round(sum(${CONVERTED('p.sales', 'p.sales_usd')}), 2)::varchar as revenue
      from parts p asof left join (select * from fx where quote = $5) f on p.fx_day >= f.rate_date
     group by p.k
  )
  select m.k, m.orders, m.cancelled, m.revenue, l.returned_orders, l.units, l.returned_units
    from money m left join lines l using (k)
   order by m.k`;

const PRODUCTS = `
  with parts as (
    select coalesce(i.normalized_sku, 'title:' || i.title) as sku, i.marketplace, i.currency,
           (o.ordered_at at time zone 'UTC')::date as fx_day, max(i.title) as title,
           count(distinct o.id) as orders, sum(i.quantity) as units, sum(i.returned_quantity) as returned_units,
           sum(i.net_sales) as sales,
           sum(i.net_sales * o.total_amount_usd / nullif(o.total_amount, 0)) as sales_usd
      from items i join orders o on o.id = i.order_id
     where i.user_id = $1::uuid and ${IN_PERIOD} and o.status <> 'CANCELLED' and not i.is_cancelled
     group by all
  )
  select p.sku, p.marketplace, max(p.title) as title, sum(p.orders)::int as orders, sum(p.units)::int as units,
         sum(p.returned_units)::int as returned_units, sum(${CONVERTED('p.sales', 'p.sales_usd')}) as revenue
    from parts p asof left join (select * from fx where quote = $5) f on p.fx_day >= f.rate_date
   group by p.sku, p.marketplace`;

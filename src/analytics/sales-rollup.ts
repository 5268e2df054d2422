/**
 * Keeps a seller's daily sales rollup (`sales_rollup`) and product rollup
 * (`product_rollup`, see their entities) equal to their orders. Triggers mark each connection's UTC day that changed; a refresh rebuilds the
 * seller's local days those marks touch, straight from the order tables, and removes
 * the marks it read (unless marked again meanwhile). A seller without a rollup, or
 * with one counted in another timezone, gets all of it rebuilt.
 *
 * Refreshes run before every read (readSellerData) and after every sync, one at a time
 * per seller (an advisory lock), each in one transaction: a reader sees the rollup
 * before or after a rebuild, never halfway.
 */
import type pg from 'pg';
import { inTransaction } from '../db/pool.ts';
import { FX_DAY } from './money-sql.ts';
import type { SellerScope } from './seller-scope.ts';
import { type Placeholder, SqlParams } from './sql-params.ts';

export interface RollupRefresh {
  /** `none`: already up to date; `days`: the marked days; `all`: the whole history. */
  rebuilt: 'none' | 'days' | 'all';
  /** Local days rebuilt (connection × day), for `days`. */
  days: number;
}

type RollupScope = Pick<SellerScope, 'userId' | 'timezone'>;

export async function refreshSalesRollup(pool: pg.Pool, scope: RollupScope): Promise<RollupRefresh> {
  if (!(await needsRefresh(pool, scope))) return { rebuilt: 'none', days: 0 };
  return inTransaction(pool, async (client) => {
    await client.query(`select pg_advisory_xact_lock(hashtextextended('sales_rollup:' || $1, 0))`, [scope.userId]);
    // a whole history's lines sort in memory up to some 250,000 lines rather than on disk
    await client.query(`set local work_mem = '64MB'`);
    return rebuild(client, scope);
  });
}

async function needsRefresh(db: pg.Pool | pg.PoolClient, scope: RollupScope): Promise<boolean> {
  const { rows } = await db.query<{ current: boolean; marked: boolean }>(
    `select exists (select 1 from sales_rollup_state where user_id = $1 and timezone = $2) as current,
            exists (select 1 from sales_rollup_mark where user_id = $1) as marked`,
    [scope.userId, scope.timezone],
  );
  return !rows[0]?.current || Boolean(rows[0]?.marked);
}

async function rebuild(client: pg.PoolClient, scope: RollupScope): Promise<RollupRefresh> {
  // another refresh may have done it while this one waited for the lock
  if (!(await needsRefresh(client, scope))) return { rebuilt: 'none', days: 0 };
  const { rows: marks } = await client.query<{ connection_id: string; utc_day: string; generation: number }>(
    `select connection_id, utc_day::text, generation from sales_rollup_mark where user_id = $1`,
    [scope.userId],
  );
  const { rows: state } = await client.query<{ timezone: string }>(
    'select timezone from sales_rollup_state where user_id = $1',
    [scope.userId],
  );
  let result: RollupRefresh;
  if (state[0]?.timezone !== scope.timezone) {
    await client.query('delete from sales_rollup where user_id = $1', [scope.userId]);
    await client.query('delete from product_rollup where user_id = $1', [scope.userId]);
    const q = new SqlParams();
    const $ = { user: q.add(scope.userId), zone: q.add(scope.timezone) };
    const orders = `select o.* from unified_order o where o.user_id = ${$.user}`;
    // every order and line of the seller, hash-joined. The statistics may predate the
    // seller's first sync (no autoanalyze ran since it wrote them): then the seller seems
    // to have a handful of rows, and nested loops over the CTEs compare every order with
    // every other (over 10 minutes for 120,000 orders, seen in the insights benchmark)
    await client.query('set local enable_nestloop = off');
    await client.query(insertRollups($, orders, sellerLines($)), q.values);
    await client.query('set local enable_nestloop to default');
    await client.query(
      `insert into sales_rollup_state (user_id, timezone, built_at) values ($1, $2, now())
       on conflict (user_id) do update set timezone = excluded.timezone, built_at = excluded.built_at`,
      [scope.userId, scope.timezone],
    );
    result = { rebuilt: 'all', days: 0 };
  } else {
    // the local days each marked UTC day overlaps (two, or three around a short DST day)
    const { rows: days } = await client.query<{ connection_id: string; day: string }>(
      `select distinct m.connection_id, d.day::date::text as day
         from unnest($2::uuid[], $3::date[]) m(connection_id, utc_day),
              lateral generate_series(
                ((m.utc_day::timestamp at time zone 'UTC') at time zone $1)::date,
                (((m.utc_day + 1)::timestamp at time zone 'UTC' - interval '1 microsecond') at time zone $1)::date,
                interval '1 day') d(day)`,
      [scope.timezone, marks.map((m) => m.connection_id), marks.map((m) => m.utc_day)],
    );
    const connectionIds = days.map((d) => d.connection_id);
    const localDays = days.map((d) => d.day);
    for (const table of ['sales_rollup', 'product_rollup']) {
      await client.query(
        `delete from ${table} r using unnest($2::uuid[], $3::date[]) d(connection_id, day)
          where r.user_id = $1 and r.connection_id = d.connection_id and r.day = d.day`,
        [scope.userId, connectionIds, localDays],
      );
    }
    const q = new SqlParams();
    const $ = { user: q.add(scope.userId), zone: q.add(scope.timezone) };
    const connections = q.add(connectionIds);
    const dayList = q.add(localDays);
    // one index range scan per day (offset 0 keeps it from being flattened into a join
    // that compares every order of the seller with every day)
    const orders = `select o.*
                      from (select d.connection_id, d.day::timestamp at time zone ${$.zone} as from_at,
                                   (d.day + 1)::timestamp at time zone ${$.zone} as to_at
                              from unnest(${connections}::uuid[], ${dayList}::date[]) d(connection_id, day)) d
                      cross join lateral (
                        select o.* from unified_order o
                         where o.user_id = ${$.user} and o.ordered_at >= d.from_at and o.ordered_at < d.to_at
                           and o.connection_id = d.connection_id
                        offset 0) o`;
    await client.query(insertRollups($, orders, ORDER_LINES), q.values);
    result = { rebuilt: 'days', days: days.length };
  }
  // a mark written again since it was read (its generation moved on) stays for next time
  await client.query(
    `delete from sales_rollup_mark m using unnest($1::uuid[], $2::date[], $3::int[]) r(connection_id, utc_day, generation)
      where m.connection_id = r.connection_id and m.utc_day = r.utc_day and m.generation = r.generation`,
    [marks.map((m) => m.connection_id), marks.map((m) => m.utc_day), marks.map((m) => m.generation)],
  );
  return result;
}

/** Where the lines of the orders come from: all the seller's (hash-joined), or looked up per order. */
const sellerLines = ($: RollupParams) => `from unified_order_item i where i.user_id = ${$.user}`;
const ORDER_LINES = 'from o join unified_order_item i on i.order_id = o.id';

/** What the rollups read of orders and lines: CTEs read twice are materialized, so no more than that. */
const ORDER_FIELDS = [
  'id',
  'connection_id',
  'marketplace',
  'ordered_at',
  'currency',
  'status',
  'net_sales',
  'net_sales_usd',
  'total_amount',
  'total_amount_usd',
  'refunded_amount',
]
  .map((c) => `o.${c}`)
  .join(', ');
const LINE_FIELDS = [
  'order_id',
  'quantity',
  'returned_quantity',
  'is_cancelled',
  'currency',
  'normalized_sku',
  'title',
  'net_sales',
]
  .map((c) => `i.${c}`)
  .join(', ');

/** The seller, and the timezone days are counted in. */
type RollupParams = Record<'user' | 'zone', Placeholder>;

/**
 * Sums the orders `orders` selects, and their lines (`lines`), into both rollups in one
 * statement, so each order and line is read once:
 * - `sales_rollup`: the orders, with what their lines add (units, returns). Orders stored
 *   without net sales (before ShopIQ kept them, waiting for a re-read:
 *   net-sales-backfill.ts) are counted, never summed into an amount.
 * - `product_rollup`: the lines not cancelled of orders not cancelled, per product, local
 *   day, rate day and currency; an order with two lines of a product counts once. The
 *   orders whose lines of the product were cancelled count apart, in nothing else: a
 *   group of them alone has no orders. The
 *   lines are sorted by those keys (bytewise: the groups are the same, the sort cheaper)
 *   and summed a group at a time.
 */
/** A line that counts: not cancelled, of an order not cancelled. */
const LIVE = `o.status <> 'CANCELLED' and not i.is_cancelled`;

function insertRollups($: RollupParams, orders: string, lines: string): string {
  return `
    with o as (select ${ORDER_FIELDS} from (${orders}) o),
         i as (select ${LINE_FIELDS} ${lines}),
         order_lines as (
           select i.order_id,
                  coalesce(sum(i.quantity) filter (where not i.is_cancelled), 0) as units,
                  coalesce(sum(i.returned_quantity), 0) as returned_units,
                  bool_or(i.returned_quantity > 0) as any_returned
             from i group by i.order_id),
         sales as (
           insert into sales_rollup (user_id, connection_id, marketplace, day, fx_day, currency, status, orders, sales,
                  sales_usd, orders_without_usd, sales_without_usd, collected, collected_usd, collected_without_usd,
                  orders_without_net_sales, refunds, refunds_usd, units, returned_units, returned_orders)
           select ${$.user}, o.connection_id, o.marketplace, (o.ordered_at at time zone ${$.zone})::date,
                  ${FX_DAY}, o.currency, o.status,
                  count(*), coalesce(sum(o.net_sales), 0), coalesce(sum(o.net_sales_usd), 0),
                  count(*) filter (where o.net_sales is not null and o.total_amount_usd is null),
                  coalesce(sum(o.net_sales) filter (where o.total_amount_usd is null), 0),
                  coalesce(sum(o.total_amount) filter (where o.net_sales is not null), 0),
                  coalesce(sum(o.total_amount_usd) filter (where o.net_sales is not null), 0),
                  coalesce(sum(o.total_amount) filter (where o.net_sales is not null and o.total_amount_usd is null), 0),
                  count(*) filter (where o.net_sales is null),
                  coalesce(sum(o.refunded_amount), 0),
                  coalesce(sum(o.refunded_amount * o.total_amount_usd / nullif(o.total_amount, 0)), 0),
                  coalesce(sum(l.units), 0), coalesce(sum(l.returned_units), 0),
                  count(*) filter (where o.status = 'RETURNED' or l.any_returned)
             from o left join order_lines l on l.order_id = o.id
            group by o.connection_id, o.marketplace, 4, 5, o.currency, o.status)
    insert into product_rollup (user_id, connection_id, marketplace, day, fx_day, currency, sku, title, orders, units,
           returned_units, cancelled_orders, sales, sales_usd, orders_without_usd, sales_without_usd,
           orders_without_net_sales)
    select ${$.user}, o.connection_id, o.marketplace, (o.ordered_at at time zone ${$.zone})::date, ${FX_DAY},
           i.currency, coalesce(i.normalized_sku, 'title:' || i.title) collate "C", max(i.title),
           count(distinct o.id) filter (where ${LIVE}), coalesce(sum(i.quantity) filter (where ${LIVE}), 0),
           coalesce(sum(i.returned_quantity) filter (where ${LIVE}), 0),
           count(distinct o.id) filter (where not (${LIVE})),
           coalesce(sum(i.net_sales) filter (where ${LIVE}), 0),
           coalesce(sum(i.net_sales * o.total_amount_usd / nullif(o.total_amount, 0)) filter (where ${LIVE}), 0),
           count(distinct o.id) filter (where ${LIVE} and o.total_amount_usd is null and i.net_sales is not null),
           coalesce(sum(i.net_sales) filter (where ${LIVE} and o.total_amount_usd is null), 0),
           count(distinct o.id) filter (where ${LIVE} and i.net_sales is null)
      from o join i on i.order_id = o.id
     group by o.connection_id, o.marketplace, 4, 5, i.currency, 7`;
}

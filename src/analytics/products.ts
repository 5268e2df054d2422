/**
 * Sales by product and marketplace: one product is one normalized SKU wherever it is
 * sold (normalize-sku.ts), so "the blue kurta on Flipkart vs Shopify" lines up. Lines
 * of cancelled orders and cancelled lines do not count; returned units are reported
 * beside the units sold. Revenue is the lines' net sales (each line's sales after its
 * discounts, before shipping and tax) in the reporting currency (money-sql.ts); a line's
 * USD amount is its share of its order's USD net sales. Amounts with no exchange rate
 * are left out of revenue and listed apart (not-converted.ts); lines stored before
 * ShopIQ kept net sales (waiting for a re-read, net-sales-backfill.ts) count in units
 * and orders but not in revenue, and their orders are counted apart.
 */
import { addDecimal, compareDecimal, divideRounded, roundDecimal } from '../currency/decimal.ts';
import type { Marketplace } from '../db/enums.ts';
import type { SellerDb } from '../db/seller-reader.ts';
import {
  addOrdersInPeriod,
  addRollupDaysInPeriod,
  FX_DAY,
  inReportingCurrency,
  notConverted,
  ordersInPeriod,
  reportingRateJoin,
  rollupDaysInPeriod,
} from './money-sql.ts';
import { type NotConverted, NotConvertedTally } from './not-converted.ts';
import type { Period } from './period.ts';
import { ratio } from './sales.ts';
import { minorDigits, type SellerScope } from './seller-scope.ts';
import { type Placeholder, SqlParams } from './sql-params.ts';

export interface ProductSalesRow {
  /** The normalized SKU; lines without one are grouped by title, as "title:<title>". */
  sku: string;
  marketplace: Marketplace;
  title: string;
  orders: number;
  units: number;
  returnedUnits: number;
  returnRate: number | null;
  revenue: string;
  /** Revenue ÷ units; null when some of the revenue could not be converted, or is not known yet (a re-read). */
  averageUnitPrice: string | null;
  /** Amounts left out of `revenue` for want of an exchange rate. */
  notConverted: NotConverted[];
  /**
   * The product's category on this marketplace's listing, or on another of the
   * seller's listings of the same SKU (Flipkart listings carry none); null: unknown.
   */
  category: string | null;
}

export interface ProductSalesOptions {
  marketplaces?: Marketplace[];
  /** Normalized SKUs to keep to. */
  skus?: string[];
}

export interface ProductSales {
  rows: ProductSalesRow[];
  /** Amounts left out of the rows' revenue for want of an exchange rate, over all the rows' orders. */
  notConverted: NotConverted[];
  /** Orders whose lines have no net sales yet (stored before ShopIQ kept them): left out of revenue. */
  ordersWithoutNetSales: number;
}

export async function productSales(
  db: SellerDb,
  scope: SellerScope,
  period: Period,
  options: ProductSalesOptions = {},
): Promise<ProductSales> {
  const { rows } = await db.query<PartRow>(...productPartsQuery(scope, period, options, 'product'));
  const digits = minorDigits(scope.currency);
  const products = new Map<string, PartRow & { notConverted: NotConvertedTally }>();
  let anyNotConverted = false;
  let anyWithoutNetSales = false;
  for (const r of rows) {
    anyWithoutNetSales ||= r.without_net_sales > 0;
    const key = `${r.marketplace}|${r.sku}`;
    const p = products.get(key);
    const tally = p?.notConverted ?? new NotConvertedTally();
    tally.add(r.currency, r.unconverted_orders, r.unconverted_amount);
    anyNotConverted ||= r.unconverted_orders > 0;
    products.set(
      key,
      p
        ? {
            ...p,
            title: p.title > r.title ? p.title : r.title,
            orders: p.orders + r.orders,
            units: p.units + r.units,
            returned_units: p.returned_units + r.returned_units,
            revenue: addDecimal(p.revenue, r.revenue),
            without_net_sales: p.without_net_sales + r.without_net_sales,
          }
        : { ...r, notConverted: tally },
    );
  }
  return {
    rows: [...products.values()].map((r) => {
      const notConverted = r.notConverted.list();
      const revenue = roundDecimal(r.revenue, digits);
      return {
        sku: r.sku,
        marketplace: r.marketplace,
        title: r.title,
        orders: r.orders,
        units: r.units,
        returnedUnits: r.returned_units,
        returnRate: r.units > 0 ? ratio(r.returned_units, r.units) : null,
        revenue,
        averageUnitPrice:
          r.units > 0 && notConverted.length === 0 && r.without_net_sales === 0
            ? divideRounded(revenue, String(r.units), digits)
            : null,
        notConverted,
        category: r.category,
      };
    }),
    // an order of several products is one order: counted again over orders, only when there is any
    ...(anyNotConverted || anyWithoutNetSales
      ? await overOrders(db, scope, period, options)
      : { notConverted: [], ordersWithoutNetSales: 0 }),
  };
}

async function overOrders(
  db: SellerDb,
  scope: SellerScope,
  period: Period,
  options: ProductSalesOptions,
): Promise<Pick<ProductSales, 'notConverted' | 'ordersWithoutNetSales'>> {
  const { rows } = await db.query<PartRow>(...productPartsQuery(scope, period, options, 'order'));
  const tally = new NotConvertedTally();
  for (const r of rows) tally.add(r.currency, r.unconverted_orders, r.unconverted_amount);
  return { notConverted: tally.list(), ordersWithoutNetSales: rows.reduce((n, r) => n + r.without_net_sales, 0) };
}

interface PartRow {
  sku: string;
  marketplace: Marketplace;
  currency: string;
  title: string;
  orders: number;
  units: number;
  returned_units: number;
  revenue: string;
  unconverted_orders: number;
  unconverted_amount: string;
  without_net_sales: number;
  category: string | null;
}

/**
 * Lines not cancelled of orders not cancelled, summed per product (normalized SKU) and
 * marketplace (from the product rollup), or all together (`order`: each order counted
 * once, from the lines), per order currency and UTC day, then converted (money-sql.ts):
 * a row per product, marketplace and currency.
 */
function productPartsQuery(
  scope: SellerScope,
  period: Period,
  options: ProductSalesOptions,
  per: 'product' | 'order',
): [string, unknown[]] {
  const q = new SqlParams();
  const currency = q.add(scope.currency);
  const skus = q.add(options.skus?.length ? options.skus : null);
  const parts =
    per === 'product'
      ? productRollupParts(q, scope, period, options, skus)
      : orderParts(q, scope, period, options, skus);
  const category =
    per === 'product'
      ? `(select pr.category from unified_product pr
           where pr.user_id = ${parts.user} and pr.normalized_sku = p.sku and pr.category is not null
           order by pr.marketplace = p.marketplace desc, pr.category limit 1)`
      : 'null';
  const sql = `with parts as (${parts.sql})
     select p.sku, p.marketplace, p.currency, max(p.title) as title, sum(p.orders)::int as orders,
            sum(p.units)::int as units, sum(p.returned_units)::int as returned_units,
            coalesce(sum(${inReportingCurrency('p.sales', 'p.sales_usd', currency)}), 0)::text as revenue,
            sum(${notConverted('p.orders - p.without_net_sales', 'p.orders_without_usd', currency)})::int
              as unconverted_orders,
            sum(p.without_net_sales)::int as without_net_sales,
            sum(${notConverted('p.sales', 'p.sales_without_usd', currency)})::text as unconverted_amount,
            ${category} as category
       from parts p
       ${reportingRateJoin(currency)}
      group by p.sku, p.marketplace, p.currency`;
  return [sql, q.values];
}

/** The parts per product, day and currency, from the daily product rollup (sales-rollup.ts). */
function productRollupParts(
  q: SqlParams,
  scope: SellerScope,
  period: Period,
  options: ProductSalesOptions,
  skus: Placeholder,
): { sql: string; user: Placeholder } {
  const r = addRollupDaysInPeriod(q, scope.userId, period, options.marketplaces);
  const sql = `select r.sku, r.marketplace, r.currency, r.fx_day, max(r.title) as title,
                sum(r.orders)::int as orders, sum(r.units)::int as units, sum(r.returned_units)::int as returned_units,
                sum(r.sales) as sales, sum(r.sales_usd) as sales_usd,
                sum(r.orders_without_usd)::int as orders_without_usd, sum(r.sales_without_usd) as sales_without_usd,
                sum(r.orders_without_net_sales)::int as without_net_sales
           from product_rollup r
          where ${rollupDaysInPeriod('r', r)} and r.orders > 0
            and (${skus}::text[] is null or r.sku = any(${skus}))
          group by 1, 2, 3, 4`;
  return { sql, user: r.user };
}

/** The parts over whole orders (each counted once, whatever products they hold), from the lines. */
function orderParts(
  q: SqlParams,
  scope: SellerScope,
  period: Period,
  options: ProductSalesOptions,
  skus: Placeholder,
): { sql: string; user: Placeholder } {
  const orders = addOrdersInPeriod(q, scope.userId, period, options.marketplaces);
  const sql = `select '' as sku, '' as marketplace, i.currency as currency,
                ${FX_DAY} as fx_day, max(i.title) as title,
                count(distinct o.id)::int as orders, sum(i.quantity)::int as units,
                sum(i.returned_quantity)::int as returned_units,
                coalesce(sum(i.net_sales), 0) as sales,
                coalesce(sum(i.net_sales * o.total_amount_usd / nullif(o.total_amount, 0)), 0) as sales_usd,
                count(distinct o.id) filter (where o.total_amount_usd is null and i.net_sales is not null)::int
                  as orders_without_usd,
                coalesce(sum(i.net_sales) filter (where o.total_amount_usd is null), 0) as sales_without_usd,
                count(distinct o.id) filter (where i.net_sales is null)::int as without_net_sales
           from unified_order_item i join unified_order o on o.id = i.order_id
          where i.user_id = ${orders.user} and ${ordersInPeriod(orders)}
            and o.status <> 'CANCELLED' and not i.is_cancelled
            and (${skus}::text[] is null or i.normalized_sku = any(${skus}))
          group by 1, 2, 3, 4`;
  return { sql, user: orders.user };
}

export type ProductRanking = 'revenue' | 'units';

/** The best `limit` rows by revenue or units (ties: more units, then SKU), over all or within each marketplace. */
export function topProducts(
  rows: ProductSalesRow[],
  {
    by = 'revenue',
    limit = 10,
    perMarketplace = false,
  }: { by?: ProductRanking; limit?: number; perMarketplace?: boolean },
): ProductSalesRow[] {
  const sorted = [...rows].sort((a, b) => compareBy(a, b, by));
  if (!perMarketplace) return sorted.slice(0, limit);
  const taken = new Map<Marketplace, number>();
  return sorted.filter((r) => {
    const n = taken.get(r.marketplace) ?? 0;
    taken.set(r.marketplace, n + 1);
    return n < limit;
  });
}

export interface CategorySales {
  /** The category's name; products with none are grouped under "Uncategorized". */
  category: string;
  /** Products (normalized SKUs) sold in it. */
  products: number;
  units: number;
  returnedUnits: number;
  returnRate: number | null;
  revenue: string;
  /** Revenue and units per marketplace. */
  marketplaces: Partial<Record<Marketplace, { units: number; revenue: string }>>;
}

const UNCATEGORIZED = 'Uncategorized';

/** Product sales summed per category, best first by revenue or units (ties: more units, then name). */
export function salesByCategory(
  rows: ProductSalesRow[],
  { by = 'revenue', limit = 10 }: { by?: ProductRanking; limit?: number } = {},
): CategorySales[] {
  const categories = new Map<string, CategorySales & { skus: Set<string> }>();
  for (const r of rows) {
    const name = r.category ?? UNCATEGORIZED;
    const c = categories.get(name) ?? {
      category: name,
      products: 0,
      units: 0,
      returnedUnits: 0,
      returnRate: null,
      revenue: '0',
      marketplaces: {},
      skus: new Set<string>(),
    };
    c.skus.add(r.sku);
    c.units += r.units;
    c.returnedUnits += r.returnedUnits;
    c.revenue = addDecimal(c.revenue, r.revenue);
    const m = c.marketplaces[r.marketplace] ?? { units: 0, revenue: '0' };
    c.marketplaces[r.marketplace] = { units: m.units + r.units, revenue: addDecimal(m.revenue, r.revenue) };
    categories.set(name, c);
  }
  return [...categories.values()]
    .map(({ skus, ...c }) => ({
      ...c,
      products: skus.size,
      returnRate: c.units > 0 ? ratio(c.returnedUnits, c.units) : null,
    }))
    .sort((a, b) => compareBy({ ...a, sku: a.category }, { ...b, sku: b.category }, by))
    .slice(0, limit);
}

export interface ProductAcrossMarketplaces {
  sku: string;
  title: string;
  revenue: string;
  units: number;
  marketplaces: Partial<Record<Marketplace, ProductSalesRow>>;
}

/** The best `limit` products over all marketplaces, each with its figures per marketplace side by side. */
export function compareAcrossMarketplaces(
  rows: ProductSalesRow[],
  { by = 'revenue', limit = 10 }: { by?: ProductRanking; limit?: number } = {},
): ProductAcrossMarketplaces[] {
  const products = new Map<string, ProductAcrossMarketplaces>();
  for (const r of rows) {
    const p = products.get(r.sku) ?? { sku: r.sku, title: r.title, revenue: '0', units: 0, marketplaces: {} };
    p.revenue = addDecimal(p.revenue, r.revenue);
    p.units += r.units;
    p.marketplaces[r.marketplace] = r;
    products.set(r.sku, p);
  }
  return [...products.values()].sort((a, b) => compareBy(a, b, by)).slice(0, limit);
}

function compareBy(
  a: { revenue: string; units: number; sku: string },
  b: { revenue: string; units: number; sku: string },
  by: ProductRanking,
): number {
  const revenue = compareDecimal(b.revenue, a.revenue);
  const units = b.units - a.units;
  const first = by === 'revenue' ? revenue || units : units || revenue;
  return first || a.sku.localeCompare(b.sku);
}

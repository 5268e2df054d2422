/**
 * Sales by product and marketplace: one product is one normalized SKU wherever it is
 * sold (normalize-sku.ts), so "the blue kurta on Flipkart vs Shopify" lines up. Lines
 * of cancelled orders and cancelled lines do not count; returned units are reported
 * beside the units sold. Revenue is the lines' totals in the reporting currency
 * (money-sql.ts); a line's USD amount is its share of its order's USD amount.
 */
import { addDecimal, compareDecimal, divideRounded, roundDecimal } from '../currency/decimal.ts';
import type { Marketplace } from '../db/enums.ts';
import type { Queryable } from '../db/pool.ts';
import { addOrdersInPeriod, FX_DAY, inReportingCurrency, ordersInPeriod, reportingRateJoin } from './money-sql.ts';
import type { Period } from './period.ts';
import { ratio } from './sales.ts';
import { minorDigits, type SellerScope } from './seller-scope.ts';
import { SqlParams } from './sql-params.ts';

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
  averageUnitPrice: string | null;
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

export async function productSales(
  db: Queryable,
  scope: SellerScope,
  period: Period,
  options: ProductSalesOptions = {},
): Promise<ProductSalesRow[]> {
  const q = new SqlParams();
  const orders = addOrdersInPeriod(q, scope.userId, period, options.marketplaces);
  const currency = q.add(scope.currency);
  const skus = q.add(options.skus?.length ? options.skus : null);
  const { rows } = await db.query<{
    sku: string;
    marketplace: Marketplace;
    title: string;
    orders: number;
    units: number;
    returned_units: number;
    revenue: string | null;
    category: string | null;
  }>(
    `with parts as (
       select coalesce(i.normalized_sku, 'title:' || i.title) as sku, i.marketplace, i.currency as currency,
              ${FX_DAY} as fx_day, max(i.title) as title,
              count(distinct o.id)::int as orders, sum(i.quantity)::int as units,
              sum(i.returned_quantity)::int as returned_units,
              sum(i.total_price) as sales,
              sum(i.total_price * o.total_amount_usd / nullif(o.total_amount, 0)) as sales_usd
         from unified_order_item i join unified_order o on o.id = i.order_id
        where i.user_id = ${orders.user} and ${ordersInPeriod(orders)}
          and o.status <> 'CANCELLED' and not i.is_cancelled
          and (${skus}::text[] is null or i.normalized_sku = any(${skus}))
        group by 1, 2, 3, 4
     )
     select p.sku, p.marketplace, max(p.title) as title, sum(p.orders)::int as orders, sum(p.units)::int as units,
            sum(p.returned_units)::int as returned_units,
            sum(${inReportingCurrency('p.sales', 'p.sales_usd', currency)})::text as revenue,
            (select pr.category from unified_product pr
              where pr.user_id = ${orders.user} and pr.normalized_sku = p.sku and pr.category is not null
              order by pr.marketplace = p.marketplace desc, pr.category limit 1) as category
       from parts p
       ${reportingRateJoin(currency)}
      group by p.sku, p.marketplace`,
    q.values,
  );
  const digits = minorDigits(scope.currency);
  return rows.map((r) => {
    const revenue = roundDecimal(r.revenue ?? '0', digits);
    return {
      sku: r.sku,
      marketplace: r.marketplace,
      title: r.title,
      orders: r.orders,
      units: r.units,
      returnedUnits: r.returned_units,
      returnRate: r.units > 0 ? ratio(r.returned_units, r.units) : null,
      revenue,
      averageUnitPrice: r.units > 0 ? divideRounded(revenue, String(r.units), digits) : null,
      category: r.category,
    };
  });
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

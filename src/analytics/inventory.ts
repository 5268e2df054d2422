/**
 * Stock per product and marketplace, with how long it lasts at the recent pace of
 * sales: days of cover = stock ÷ (units sold in the `velocityDays` before today, in the
 * seller's days, ÷ those days).
 * A product that did not sell has no days of cover (it does not run out); one with
 * unknown stock has neither; one with none left (or oversold) is out of stock, with 0
 * days, whatever its pace. Also: finding a seller's products by SKU or title words.
 */
import { roundDecimal } from '../currency/decimal.ts';
import type { Marketplace } from '../db/enums.ts';
import type { SellerDb } from '../db/seller-reader.ts';
import { normalizeSku } from '../sync/normalize-sku.ts';
import { addDays, localDate } from '../time/local-time.ts';
import { minorDigits, type SellerScope } from './seller-scope.ts';

export interface InventoryRow {
  sku: string;
  marketplace: Marketplace;
  title: string;
  /** Units in stock over the product's listings there; null when the marketplace does not say. */
  stock: number | null;
  listingStatus: string | null;
  price: string | null;
  currency: string | null;
  unitsSold: number;
  unitsPerDay: number;
  daysOfCover: number | null;
  /** Nothing left to sell there (stock 0 or below). */
  outOfStock: boolean;
}

export async function inventoryStatus(
  db: SellerDb,
  scope: SellerScope,
  now: Date,
  options: { skus?: string[]; marketplaces?: Marketplace[]; velocityDays?: number } = {},
): Promise<InventoryRow[]> {
  const days = options.velocityDays ?? 30;
  const today = localDate(now, scope.timezone);
  const { rows } = await db.query<{
    sku: string;
    marketplace: Marketplace;
    title: string;
    stock: number | null;
    status: string | null;
    price: string | null;
    currency: string | null;
    units: number;
  }>(
    // from the daily product rollup: a few rows a product, never a join of a just-synced
    // seller's lines and orders on a plan made before their statistics (minutes, not ms)
    `with sold as materialized (
       select sku, marketplace, sum(units)::int as units
         from product_rollup
        where user_id = $1 and day >= $2::date and day < $3::date
        group by 1, 2
     )
     select p.normalized_sku as sku, p.marketplace, max(p.title) as title,
            sum(p.inventory)::int as stock, max(p.status) as status,
            min(p.price)::text as price, max(p.currency) as currency, coalesce(max(s.units), 0)::int as units
       from unified_product p
       left join sold s on s.sku = p.normalized_sku and s.marketplace = p.marketplace
      where p.user_id = $1 and p.normalized_sku is not null
        and ($4::text[] is null or p.normalized_sku = any($4))
        and ($5::text[] is null or p.marketplace = any($5))
      group by p.normalized_sku, p.marketplace`,
    [
      scope.userId,
      addDays(today, -days),
      today,
      options.skus?.length ? options.skus : null,
      options.marketplaces?.length ? options.marketplaces : null,
    ],
  );
  return rows
    .map((r) => {
      const unitsPerDay = r.units / days;
      const outOfStock = r.stock !== null && r.stock <= 0;
      return {
        sku: r.sku,
        marketplace: r.marketplace,
        title: r.title,
        stock: r.stock,
        listingStatus: r.status,
        price: r.price === null || r.currency === null ? null : roundDecimal(r.price, minorDigits(r.currency)),
        currency: r.currency,
        unitsSold: r.units,
        unitsPerDay: Math.round(unitsPerDay * 100) / 100,
        daysOfCover: outOfStock ? 0 : r.stock === null || r.units === 0 ? null : Math.floor((r.stock * days) / r.units),
        outOfStock,
      };
    })
    .sort(byUrgency);
}

/** Out of stock first, then soonest to run out; then those that do not sell; unknown stock last. */
function byUrgency(a: InventoryRow, b: InventoryRow): number {
  const rank = (r: InventoryRow) => (r.outOfStock ? 0 : r.stock === null ? 3 : r.daysOfCover === null ? 2 : 1);
  return (
    rank(a) - rank(b) ||
    (a.daysOfCover ?? 0) - (b.daysOfCover ?? 0) ||
    a.sku.localeCompare(b.sku) ||
    a.marketplace.localeCompare(b.marketplace)
  );
}

export interface ProductMatch {
  sku: string;
  title: string;
  marketplaces: Marketplace[];
}

/**
 * The seller's products whose SKU is `text` (normalized), or whose title or SKU holds
 * every word of it ("blue kurta" finds "Blue Cotton Kurta"); with `anyWord`, any one
 * of its words (suggestions when nothing matched). Exact SKUs first, then titles
 * holding the words as typed.
 */
export async function findProducts(
  db: SellerDb,
  scope: SellerScope,
  text: string,
  limit = 10,
  { anyWord = false }: { anyWord?: boolean } = {},
): Promise<ProductMatch[]> {
  const words = text.trim();
  if (!words) return [];
  const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const long = words.split(/\s+/).filter((w) => w.length > 1);
  const parts = long.length > 0 ? long : [words];
  const { rows } = await db.query<ProductMatch>(
    `select p.normalized_sku as sku, max(p.title) as title, array_agg(distinct p.marketplace order by p.marketplace) as marketplaces
       from unified_product p
      where p.user_id = $1 and p.normalized_sku is not null
        and (p.normalized_sku = $2
             or ${anyWord ? 'exists' : 'not exists'} (
                  select 1 from unnest($4::text[]) w
                   where ${anyWord ? '' : 'not'} (p.title ilike w or p.sku ilike w)))
      group by p.normalized_sku
      order by bool_or(p.normalized_sku = $2) desc, bool_or(p.title ilike $3) desc, p.normalized_sku
      limit $5`,
    [scope.userId, normalizeSku(words), like(words), parts.map(like), limit],
  );
  return rows;
}

import { z } from 'zod';
import { findProducts, inventoryStatus } from '../../analytics/inventory.ts';
import { productSales } from '../../analytics/products.ts';
import { salesReport } from '../../analytics/sales.ts';
import { MARKETPLACES } from '../../db/enums.ts';
import { daysBetween } from '../../time/local-time.ts';
import { marketplaceName } from '../format/labels.ts';
import { formatCount, formatMoney, moneyCell } from '../format/money-format.ts';
import {
  awaitingRereadPart,
  dataAsOf,
  defineTool,
  describePeriod,
  notConvertedPart,
  PRODUCT_REVENUE_MEANS,
  percent,
  periodInput,
  productNotFound,
  resolveFor,
} from './tool.ts';

export const productPerformance = defineTool({
  name: 'product_performance',
  description:
    'The facts about one product (SKU or title words) for deciding where to sell it, e.g. "should I list X on ' +
    'Amazon?": on each marketplace whether it is listed (price, stock), its orders, units, revenue, average ' +
    'price, return rate and pace of sales; the seller’s overall return rate per marketplace for comparison; ' +
    'and where it is not listed or the seller is not connected. Default period: the last 90 days. ' +
    PRODUCT_REVENUE_MEANS,
  input: z.object({
    product: z.string().trim().min(1).max(100).describe('SKU or words of the product title.'),
    period: periodInput.optional(),
  }),
  async execute(input, ctx) {
    const matches = await findProducts(ctx.db, ctx.scope, input.product, 5);
    const [match, ...others] = matches;
    if (!match) return productNotFound(ctx, input.product);
    const period = resolveFor(ctx, input.period ?? { kind: 'last_days', days: 90 });
    const days = daysBetween(period.start, period.end);
    const [sales, listings, overall, connections] = await Promise.all([
      productSales(ctx.db, ctx.scope, period, { skus: [match.sku] }),
      inventoryStatus(ctx.db, ctx.scope, ctx.now, { skus: [match.sku] }),
      salesReport(ctx.db, ctx.scope, period, { by: 'marketplace' }),
      ctx.freshness(),
    ]);
    const connected = new Set(connections.filter((c) => c.syncable).map((c) => c.marketplace));
    const byMarketplace = MARKETPLACES.filter((m) => connected.has(m)).map((m) => {
      const listing = listings.find((l) => l.marketplace === m);
      const sold = sales.rows.find((s) => s.marketplace === m);
      return {
        marketplace: m,
        listed: Boolean(listing),
        listing: listing
          ? { price: listing.price, currency: listing.currency, stock: listing.stock, status: listing.listingStatus }
          : null,
        sales: sold
          ? {
              orders: sold.orders,
              units: sold.units,
              revenue: sold.revenue,
              average_unit_price: sold.averageUnitPrice,
              return_rate: sold.returnRate,
              units_per_day: Math.round((sold.units / days) * 100) / 100,
            }
          : null,
      };
    });
    return {
      result: {
        product: { sku: match.sku, title: match.title },
        ...(others.length ? { other_matches: others.map((o) => ({ sku: o.sku, title: o.title })) } : {}),
        period: describePeriod(period),
        currency: ctx.scope.currency,
        by_marketplace: byMarketplace,
        ...notConvertedPart(sales.notConverted),
        ...awaitingRereadPart(sales.ordersWithoutNetSales),
        not_listed_on: byMarketplace.filter((m) => !m.listed).map((m) => m.marketplace),
        not_connected: MARKETPLACES.filter((m) => !connected.has(m)),
        seller_return_rate_by_marketplace: Object.fromEntries(overall.rows.map((r) => [r.key, r.returnRate])),
        data_as_of: await dataAsOf(ctx),
      },
      table: {
        title: `${match.title} (${match.sku}), ${period.label}`,
        columns: ['marketplace', 'listed', 'price', 'stock', 'units', 'revenue', 'return rate'],
        rows: byMarketplace.map((m) => [
          marketplaceName(m.marketplace),
          m.listed ? 'yes' : 'no',
          m.listing?.currency ? moneyCell(m.listing.price, m.listing.currency) : null,
          m.listing?.stock == null ? null : formatCount(m.listing.stock, ctx.scope.currency),
          formatCount(m.sales?.units ?? 0, ctx.scope.currency),
          formatMoney(m.sales?.revenue ?? '0', ctx.scope.currency),
          percent(m.sales?.return_rate ?? null),
        ]),
      },
    };
  },
});

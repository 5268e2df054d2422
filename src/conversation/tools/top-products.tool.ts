import { z } from 'zod';
import { productSales, salesByCategory, topProducts } from '../../analytics/products.ts';
import { marketplaceName } from '../format/labels.ts';
import { formatCount, formatMoney } from '../format/money-format.ts';
import {
  awaitingRereadPart,
  dataAsOf,
  defineTool,
  describePeriod,
  marketplacesInput,
  notConvertedPart,
  PRODUCT_REVENUE_MEANS,
  percent,
  periodInput,
  resolveFor,
} from './tool.ts';

export const topProductsTool = defineTool({
  name: 'top_products',
  description:
    'The seller’s best-selling products in a period, by revenue or units, over all marketplaces or the best ' +
    'of each marketplace ("which product sells best on Flipkart?"). A product is one SKU on one marketplace here; ' +
    'use compare_product_marketplaces to see one product across marketplaces. With group_by "category", the ' +
    'best categories instead (products of a SKU with no category are "Uncategorized"). ' +
    PRODUCT_REVENUE_MEANS,
  input: z.object({
    period: periodInput,
    rank_by: z.enum(['revenue', 'units']).optional().describe('Default: revenue.'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe('How many (per marketplace with per_marketplace); default 5.'),
    per_marketplace: z.boolean().optional().describe('The best of each marketplace rather than overall.'),
    marketplaces: marketplacesInput,
    group_by: z.enum(['product', 'category']).optional().describe('Default: product.'),
  }),
  async execute(input, ctx) {
    const period = resolveFor(ctx, input.period);
    const { currency } = ctx.scope;
    const count = (n: number) => formatCount(n, currency);
    const { rows, notConverted, ordersWithoutNetSales } = await productSales(ctx.db, ctx.scope, period, {
      marketplaces: input.marketplaces,
    });
    if (input.group_by === 'category') {
      const categories = salesByCategory(rows, { by: input.rank_by ?? 'revenue', limit: input.limit ?? 5 });
      return {
        result: {
          period: describePeriod(period),
          currency: ctx.scope.currency,
          ranked_by: input.rank_by ?? 'revenue',
          categories,
          ...notConvertedPart(notConverted),
          ...awaitingRereadPart(ordersWithoutNetSales),
          data_as_of: await dataAsOf(ctx, input.marketplaces),
        },
        table: {
          title: `Top categories, ${period.label}`,
          columns: ['category', 'products', 'units', 'revenue', 'return rate'],
          rows: categories.map((c) => [
            c.category,
            count(c.products),
            count(c.units),
            formatMoney(c.revenue, currency),
            percent(c.returnRate),
          ]),
        },
      };
    }
    const top = topProducts(rows, {
      by: input.rank_by ?? 'revenue',
      limit: input.limit ?? 5,
      perMarketplace: input.per_marketplace ?? false,
    });
    return {
      result: {
        period: describePeriod(period),
        currency: ctx.scope.currency,
        ranked_by: input.rank_by ?? 'revenue',
        products: top,
        products_with_sales: rows.length,
        ...notConvertedPart(notConverted),
        ...awaitingRereadPart(ordersWithoutNetSales),
        data_as_of: await dataAsOf(ctx, input.marketplaces),
      },
      table: {
        title: `Top products, ${period.label}`,
        columns: ['product', 'sku', 'marketplace', 'units', 'revenue', 'return rate'],
        rows: top.map((r) => [
          r.title,
          r.sku,
          marketplaceName(r.marketplace),
          count(r.units),
          formatMoney(r.revenue, currency),
          percent(r.returnRate),
        ]),
      },
    };
  },
});

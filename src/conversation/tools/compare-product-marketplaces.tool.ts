import { z } from 'zod';
import { findProducts } from '../../analytics/inventory.ts';
import { compareAcrossMarketplaces, productSales } from '../../analytics/products.ts';
import { MARKETPLACES } from '../../db/enums.ts';
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
  periodInput,
  productNotFound,
  resolveFor,
} from './tool.ts';

export const compareProductMarketplaces = defineTool({
  name: 'compare_product_marketplaces',
  description:
    'Products side by side across marketplaces: for each product (one SKU wherever it is sold), units, revenue, ' +
    'average price and return rate on each marketplace. The best sellers overall, or the products matching ' +
    '`product` (SKU or words of the title). Use for "which product sells best on Flipkart vs Shopify?". ' +
    PRODUCT_REVENUE_MEANS,
  input: z.object({
    period: periodInput,
    product: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('SKU or title words; the best sellers when omitted.'),
    rank_by: z.enum(['revenue', 'units']).optional(),
    limit: z.number().int().min(1).max(10).optional().describe('Default 5.'),
    marketplaces: marketplacesInput,
  }),
  async execute(input, ctx) {
    const period = resolveFor(ctx, input.period);
    const matches = input.product ? await findProducts(ctx.db, ctx.scope, input.product, 10) : undefined;
    if (matches?.length === 0) {
      return productNotFound(ctx, input.product ?? '', { period: describePeriod(period) });
    }
    const { rows, notConverted, ordersWithoutNetSales } = await productSales(ctx.db, ctx.scope, period, {
      marketplaces: input.marketplaces,
      skus: matches?.map((m) => m.sku),
    });
    const products = compareAcrossMarketplaces(rows, { by: input.rank_by ?? 'revenue', limit: input.limit ?? 5 });
    const shown = input.marketplaces?.length ? input.marketplaces : MARKETPLACES;
    return {
      result: {
        period: describePeriod(period),
        currency: ctx.scope.currency,
        products,
        ...notConvertedPart(notConverted),
        ...awaitingRereadPart(ordersWithoutNetSales),
        data_as_of: await dataAsOf(ctx, input.marketplaces),
      },
      table: {
        title: `Products by marketplace, ${period.label} (units / revenue)`,
        columns: ['product', ...shown.map(marketplaceName)],
        rows: products.map((p) => [
          p.title,
          ...shown.map((m) => {
            const r = p.marketplaces[m];
            const { currency } = ctx.scope;
            return r ? `${formatCount(r.units, currency)} / ${formatMoney(r.revenue, currency)}` : null;
          }),
        ]),
      },
      chart: products.length
        ? {
            kind: 'bar',
            title: `Units by product and marketplace, ${period.label}`,
            x: { field: 'product', title: 'product', type: 'nominal' },
            y: { field: 'units', title: 'units' },
            series: { field: 'marketplace', title: 'marketplace' },
            data: products.flatMap((p) =>
              Object.values(p.marketplaces).map((r) => ({
                product: p.title,
                marketplace: r.marketplace,
                units: r.units,
              })),
            ),
          }
        : undefined,
    };
  },
});

import { z } from 'zod';
import { productSales } from '../../analytics/products.ts';
import { salesReport } from '../../analytics/sales.ts';
import { breakdownLabel, marketplaceName } from '../format/labels.ts';
import { formatCount } from '../format/money-format.ts';
import {
  capRows,
  dataAsOf,
  defineTool,
  describePeriod,
  marketplacesInput,
  percent,
  periodInput,
  resolveFor,
} from './tool.ts';

export const returnRate = defineTool({
  name: 'return_rate',
  description:
    'Return rates of the seller in a period: by marketplace (orders with a return ÷ orders not cancelled), by ' +
    'month, or by product (units returned ÷ units sold, products with the most returns first).',
  input: z.object({
    period: periodInput,
    by: z.enum(['marketplace', 'month', 'product']).optional().describe('Default: marketplace.'),
    marketplaces: marketplacesInput,
  }),
  async execute(input, ctx) {
    const period = resolveFor(ctx, input.period);
    const by = input.by ?? 'marketplace';
    const asOf = await dataAsOf(ctx, input.marketplaces);
    if (by === 'product') {
      const { rows: sold } = await productSales(ctx.db, ctx.scope, period, { marketplaces: input.marketplaces });
      const ranked = sold
        .filter((r) => r.returnedUnits > 0)
        .sort((a, b) => b.returnedUnits - a.returnedUnits || (b.returnRate ?? 0) - (a.returnRate ?? 0));
      const { rows, more } = capRows(ranked, 20);
      return {
        result: {
          period: describePeriod(period),
          by,
          products: rows.map((r) => ({
            sku: r.sku,
            title: r.title,
            marketplace: r.marketplace,
            units: r.units,
            returned_units: r.returnedUnits,
            return_rate: r.returnRate,
          })),
          products_left_out: more,
          products_without_returns: sold.length - ranked.length,
          data_as_of: asOf,
        },
        table: {
          title: `Returns by product, ${period.label}`,
          columns: ['product', 'marketplace', 'units sold', 'returned', 'return rate'],
          rows: rows.map((r) => [
            r.title,
            marketplaceName(r.marketplace),
            formatCount(r.units, ctx.scope.currency),
            formatCount(r.returnedUnits, ctx.scope.currency),
            percent(r.returnRate),
          ]),
        },
      };
    }
    const report = await salesReport(ctx.db, ctx.scope, period, { by, filters: { marketplaces: input.marketplaces } });
    const rate = (f: (typeof report)['total']) => ({
      orders: f.orders - f.cancelledOrders,
      returned_orders: f.returnedOrders,
      return_rate: f.returnRate,
      units: f.units,
      returned_units: f.returnedUnits,
    });
    return {
      result: {
        period: describePeriod(period),
        by,
        rows: report.rows.map((r) => ({ [by]: r.key, ...rate(r) })),
        total: rate(report.total),
        data_as_of: asOf,
      },
      table: {
        title: `Return rate by ${by}, ${period.label}`,
        columns: [by, 'orders', 'returned', 'return rate'],
        rows: [
          ...report.rows.map((r) => ({ ...r, key: breakdownLabel(by, r.key) })),
          { key: 'Total', ...report.total },
        ].map((r) => [
          r.key,
          formatCount(r.orders - r.cancelledOrders, ctx.scope.currency),
          formatCount(r.returnedOrders, ctx.scope.currency),
          percent(r.returnRate),
        ]),
      },
      chart:
        report.rows.length > 1
          ? {
              kind: by === 'month' ? 'line' : 'bar',
              title: `Return rate by ${by}, ${period.label}`,
              x: { field: by, title: by, type: 'ordinal' },
              y: { field: 'return rate (%)', title: 'return rate (%)' },
              data: report.rows.map((r) => ({
                [by]: breakdownLabel(by, r.key),
                'return rate (%)': r.returnRate === null ? null : Math.round(r.returnRate * 1000) / 10,
              })),
            }
          : undefined,
    };
  },
});

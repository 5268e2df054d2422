import { z } from 'zod';
import { SALES_DIMENSIONS, type SalesDimension, type SalesFigures, salesReport } from '../../analytics/sales.ts';
import { breakdownLabel } from '../format/labels.ts';
import { formatCount, formatMoney, moneyCell } from '../format/money-format.ts';
import {
  awaitingRereadPart,
  capRows,
  dataAsOf,
  defineTool,
  describePeriod,
  marketplacesInput,
  notConvertedPart,
  percent,
  periodInput,
  plotted,
  REVENUE_MEANS,
  resolveFor,
} from './tool.ts';

export const salesSummary = defineTool({
  name: 'sales_summary',
  description:
    'Sales of the seller over a period: orders, revenue (net sales, in the seller’s reporting currency), ' +
    'totalCollected (what buyers paid: net sales + shipping + tax), refunds, net revenue (revenue − refunds), ' +
    'units, average order value, return and cancellation rates; as a total, or broken down by marketplace, ' +
    `status, day, week or month. Use for "what were my sales…", "how many orders…", trends. ${REVENUE_MEANS}`,
  input: z.object({
    period: periodInput,
    by: z
      .enum(Object.keys(SALES_DIMENSIONS) as [SalesDimension, ...SalesDimension[]])
      .optional()
      .describe('Break the figures down by this; a total only when omitted.'),
    marketplaces: marketplacesInput,
  }),
  async execute(input, ctx) {
    const period = resolveFor(ctx, input.period);
    const report = await salesReport(ctx.db, ctx.scope, period, {
      by: input.by,
      filters: { marketplaces: input.marketplaces },
    });
    const { rows, more } = capRows(report.rows);
    return {
      result: {
        period: describePeriod(period),
        currency: report.currency,
        total: report.total,
        ...(input.by ? { by: input.by, rows, rows_left_out: more } : {}),
        ...notConvertedPart(report.unconverted),
        ...awaitingRereadPart(report.total.ordersWithoutNetSales),
        data_as_of: await dataAsOf(ctx, input.marketplaces),
      },
      table: input.by
        ? {
            title: `Sales by ${input.by}, ${period.label}`,
            columns: [input.by, ...FIGURE_COLUMNS],
            rows: [
              ...rows.map((r) => figureRow(breakdownLabel(input.by as string, r.key), r, report.currency)),
              figureRow('Total', report.total, report.currency),
            ],
          }
        : undefined,
      chart:
        input.by && rows.length > 1
          ? {
              kind: ['day', 'week', 'month'].includes(input.by) ? 'line' : 'bar',
              title: `Revenue by ${input.by}, ${period.label}`,
              x: { field: input.by, title: input.by, type: 'ordinal' },
              y: { field: 'revenue', title: `revenue (${report.currency})` },
              data: rows.map((r) => ({
                [input.by as string]: breakdownLabel(input.by as string, r.key),
                revenue: plotted(r.revenue),
              })),
            }
          : undefined,
    };
  },
});

/** The columns of `figureRow` after its first. */
export const FIGURE_COLUMNS = ['orders', 'revenue', 'collected', 'units', 'avg order', 'return rate'];

/**
 * One row of a sales table: orders, revenue (net sales), total collected (with shipping
 * and tax), units, average order and return rate, formatted.
 */
export function figureRow(key: string, f: SalesFigures, currency: string): (string | number | null)[] {
  return [
    key,
    formatCount(f.orders, currency),
    formatMoney(f.revenue, currency),
    formatMoney(f.totalCollected, currency),
    formatCount(f.units, currency),
    moneyCell(f.averageOrderValue, currency),
    percent(f.returnRate),
  ];
}

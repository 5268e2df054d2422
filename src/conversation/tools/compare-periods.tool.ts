import { z } from 'zod';
import { periodSpecSchema, precedingPeriod } from '../../analytics/period.ts';
import { type SalesFigures, salesReport } from '../../analytics/sales.ts';
import { compareDecimal, divideRounded, multiplyDecimal, subtractDecimal } from '../../currency/decimal.ts';
import { formatCount, formatMoney, signed } from '../format/money-format.ts';
import { FIGURE_COLUMNS, figureRow } from './sales-summary.tool.ts';
import {
  awaitingRereadPart,
  dataAsOf,
  defineTool,
  describePeriod,
  marketplacesInput,
  notConvertedPart,
  periodInput,
  REVENUE_MEANS,
  resolveFor,
} from './tool.ts';

export const comparePeriods = defineTool({
  name: 'compare_periods',
  description:
    'Compares the seller’s sales in one period with another: "this month vs last month", "this week vs the ' +
    'same days last week". Without compare_to, the period before (a to-date period is compared with the same ' +
    'number of days of the one before). Gives both periods’ figures (revenue and totalCollected among them) and ' +
    `the changes; optionally by marketplace. ${REVENUE_MEANS}`,
  input: z.object({
    period: periodInput,
    compare_to: periodSpecSchema
      .optional()
      .describe('The other period, in the same form; the one before when omitted.'),
    by_marketplace: z.boolean().optional().describe('Also compare each marketplace.'),
    marketplaces: marketplacesInput,
  }),
  async execute(input, ctx) {
    const current = resolveFor(ctx, input.period);
    const previous = input.compare_to ? resolveFor(ctx, input.compare_to) : precedingPeriod(current);
    const options = {
      by: input.by_marketplace ? ('marketplace' as const) : undefined,
      filters: { marketplaces: input.marketplaces },
    };
    const [a, b] = await Promise.all([
      salesReport(ctx.db, ctx.scope, current, options),
      salesReport(ctx.db, ctx.scope, previous, options),
    ]);
    const keys = [...new Set([...a.rows, ...b.rows].map((r) => r.key))].sort();
    const byKey = (rows: typeof a.rows, k: string) => rows.find((r) => r.key === k);
    const total = change(a.total, b.total);
    const currency = a.currency;
    return {
      result: {
        currency: a.currency,
        period: {
          ...describePeriod(current),
          ...a.total,
          ...notConvertedPart(a.unconverted),
          ...awaitingRereadPart(a.total.ordersWithoutNetSales),
        },
        compared_with: {
          ...describePeriod(previous),
          ...b.total,
          ...notConvertedPart(b.unconverted),
          ...awaitingRereadPart(b.total.ordersWithoutNetSales),
        },
        change: total,
        ...(input.by_marketplace
          ? {
              by_marketplace: keys.map((k) => {
                const x = byKey(a.rows, k);
                const y = byKey(b.rows, k);
                return {
                  marketplace: k,
                  period: x ?? null,
                  compared_with: y ?? null,
                  change: x && y ? change(x, y) : null,
                };
              }),
            }
          : {}),
        data_as_of: await dataAsOf(ctx, input.marketplaces),
      },
      table: {
        title: `${current.label} vs ${previous.label}`,
        columns: ['period', ...FIGURE_COLUMNS],
        rows: [
          figureRow(current.label, a.total, currency),
          figureRow(previous.label, b.total, currency),
          [
            total.revenue_pct === null ? 'change' : `change (${signed(total.revenue_pct, `${total.revenue_pct}%`)})`,
            signed(total.orders, formatCount(total.orders, currency)),
            signed(total.revenue, formatMoney(total.revenue, currency)),
            signed(total.total_collected, formatMoney(total.total_collected, currency)),
            signed(total.units, formatCount(total.units, currency)),
            null,
            null,
          ],
        ],
      },
    };
  },
});

/** Differences, and percentages where the earlier figure is not zero. */
function change(now: SalesFigures, before: SalesFigures) {
  return {
    revenue: subtractDecimal(now.revenue, before.revenue),
    revenue_pct: pct(now.revenue, before.revenue),
    total_collected: subtractDecimal(now.totalCollected, before.totalCollected),
    orders: now.orders - before.orders,
    orders_pct: pct(String(now.orders), String(before.orders)),
    units: now.units - before.units,
  };
}

function pct(now: string, before: string): number | null {
  if (compareDecimal(before, '0') === 0) return null;
  return Number(divideRounded(multiplyDecimal(subtractDecimal(now, before), 100), before, 1));
}

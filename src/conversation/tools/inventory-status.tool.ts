import { z } from 'zod';
import { findProducts, inventoryStatus } from '../../analytics/inventory.ts';
import { marketplaceName } from '../format/labels.ts';
import { formatCount } from '../format/money-format.ts';
import { capRows, dataAsOf, defineTool, marketplacesInput, productNotFound } from './tool.ts';

export const inventoryStatusTool = defineTool({
  name: 'inventory_status',
  description:
    'Stock of the seller’s products per marketplace and how many days it lasts at the recent pace of sales ' +
    '(days of cover), out of stock first (outOfStock: none left), then soonest to run out. For one product ' +
    '(SKU or title words) or all.',
  input: z.object({
    product: z.string().trim().min(1).max(100).optional().describe('SKU or title words; all products when omitted.'),
    marketplaces: marketplacesInput,
    velocity_days: z
      .number()
      .int()
      .min(7)
      .max(365)
      .optional()
      .describe('Days of sales the pace is taken over; default 30.'),
    limit: z.number().int().min(1).max(50).optional().describe('Default 10.'),
  }),
  async execute(input, ctx) {
    const matches = input.product ? await findProducts(ctx.db, ctx.scope, input.product, 10) : undefined;
    if (matches?.length === 0) return productNotFound(ctx, input.product ?? '');
    const velocityDays = input.velocity_days ?? 30;
    const all = await inventoryStatus(ctx.db, ctx.scope, ctx.now, {
      skus: matches?.map((m) => m.sku),
      marketplaces: input.marketplaces,
      velocityDays,
    });
    const { rows, more } = capRows(all, input.limit ?? 10);
    return {
      result: {
        pace_over_days: velocityDays,
        products: rows,
        rows_left_out: more,
        data_as_of: await dataAsOf(ctx, input.marketplaces),
      },
      table: {
        title: `Stock and days of cover (sales pace over ${velocityDays} days)`,
        columns: ['product', 'marketplace', 'stock', 'units/day', 'days of cover'],
        rows: rows.map((r) => [
          r.title,
          marketplaceName(r.marketplace),
          r.stock === null ? null : formatCount(r.stock, ctx.scope.currency),
          r.unitsPerDay,
          r.outOfStock ? 'out of stock' : r.daysOfCover === null && r.stock !== null ? 'not selling' : r.daysOfCover,
        ]),
      },
    };
  },
});

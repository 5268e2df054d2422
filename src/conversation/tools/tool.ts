/**
 * An analytics tool for the model: a name, what it is for, its input (zod, which also
 * gives the JSON schema the model sees), and `execute`. Tools get the seller only
 * through their context, built by the server for the request: no tool takes a seller,
 * a user id or SQL, so nothing the model writes can widen what a tool reads.
 */
import type pg from 'pg';
import { z } from 'zod';
import type { ConnectionFreshness } from '../../analytics/freshness.ts';
import { findProducts } from '../../analytics/inventory.ts';
import type { NotConverted } from '../../analytics/not-converted.ts';
import { type Period, type PeriodSpec, periodSpecSchema, resolvePeriod } from '../../analytics/period.ts';
import type { SellerScope } from '../../analytics/seller-scope.ts';
import { MARKETPLACES, type Marketplace } from '../../db/enums.ts';
import type { SellerDb } from '../../db/seller-reader.ts';
import { addDays } from '../../time/local-time.ts';
import type { ChartSpec } from '../charts/chart.ts';

/** What a request binds its tools to: built by the server for the asking seller. */
export interface ToolRequest {
  /** The service's pool: each tool run reads through `readSellerData` on it. */
  pool: pg.Pool;
  scope: SellerScope;
  /** The moment of the question. */
  now: Date;
  /** The seller's connections and how fresh each is (read once per request). */
  freshness(): Promise<ConnectionFreshness[]>;
}

/** What a tool runs with: the request, and a read-only connection that sees the seller's rows only. */
export interface ToolContext extends Omit<ToolRequest, 'pool'> {
  db: SellerDb;
}

/** A table a channel can draw under the answer. */
export interface ToolTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface ToolOutput {
  /** What the model reads: compact JSON. */
  result: Record<string, unknown>;
  table?: ToolTable;
  chart?: ChartSpec;
}

/** A rate (fraction) as "12.5%". */
export function percent(rate: number | null): string | null {
  return rate === null ? null : `${(rate * 100).toFixed(1)}%`;
}

/** A decimal string as a number: for plotting only, never for arithmetic on money. */
export const plotted = (amount: string | null | undefined): number | null => (amount == null ? null : Number(amount));

export interface Tool<I extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  execute(input: z.output<I>, ctx: ToolContext): Promise<ToolOutput>;
}

export function defineTool<I extends z.ZodType>(tool: Tool<I>): Tool<I> {
  return tool;
}

/** The most rows any tool returns to the model. */
export const MAX_TOOL_ROWS = 50;

export const periodInput = periodSpecSchema.describe(
  'The period, in the seller’s timezone. {kind:"named", name:"last_month"} (today, yesterday, this_week, ' +
    'last_week, this_month, last_month, this_quarter, last_quarter, this_year, last_year), ' +
    '{kind:"last_days", days:30}, {kind:"month", month:3, year?:2026} or {kind:"range", from:"2026-01-01", to:"2026-01-31"} (inclusive).',
);

export const marketplacesInput = z
  .array(z.enum(MARKETPLACES))
  .max(MARKETPLACES.length)
  .optional()
  .describe('Keep to these marketplaces; all when omitted.');

export function resolveFor(ctx: ToolContext, spec: PeriodSpec): Period {
  return resolvePeriod(spec, ctx.now, ctx.scope.timezone);
}

/** A period as the model reads it: its name and days, first to last inclusive. */
export function describePeriod(period: Period) {
  return {
    label: period.label,
    from: period.start,
    to: addDays(period.end, -1),
    to_date: period.toDate,
    timezone: period.timezone,
  };
}

/** What revenue means, said the same way in every tool that reports it (README "What revenue means"). */
export const REVENUE_MEANS =
  'Revenue is net sales, the same on every marketplace: the items’ sales after discounts, before shipping and ' +
  'tax (Flipkart’s prices include GST, which Flipkart does not state apart).';

/** What a product's revenue means, in the product tools' descriptions. */
export const PRODUCT_REVENUE_MEANS =
  'A product’s revenue is net sales too: its lines’ sales after their discounts, before shipping and tax.';

/**
 * Orders stored before ShopIQ kept net sales, waiting for their connection's next sync
 * to re-read them (net-sales-backfill.ts): counted, left out of every amount, and said so.
 */
export function awaitingRereadPart(orders: number | undefined): { orders_waiting_for_a_reread?: object } {
  return orders
    ? {
        orders_waiting_for_a_reread: {
          orders,
          note: 'synced before ShopIQ kept net sales; re-read at the next sync; counted in orders, not in revenue or total collected yet',
        },
      }
    : {};
}

/** Amounts left out of revenue for want of an exchange rate, as every tool gives them beside its figures. */
export function notConvertedPart(list: NotConverted[]): { not_converted_for_want_of_a_rate?: NotConverted[] } {
  return list.length ? { not_converted_for_want_of_a_rate: list } : {};
}

/** The first `max` rows, and how many were left out. */
export function capRows<T>(rows: T[], max = MAX_TOOL_ROWS): { rows: T[]; more: number } {
  return { rows: rows.slice(0, max), more: Math.max(0, rows.length - max) };
}

/** When each marketplace's data was last brought up to date, in the seller's time ("never" if not yet). */
export async function dataAsOf(ctx: ToolContext, marketplaces?: Marketplace[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await ctx.freshness()) {
    if (marketplaces?.length && !marketplaces.includes(c.marketplace)) continue;
    out[c.marketplace] = c.lastSyncLocal ?? 'never synced';
  }
  return out;
}

/** A tool's answer when no product matches `text`: saying so, with products sharing a word with it. */
export async function productNotFound(
  ctx: ToolContext,
  text: string,
  more: Record<string, unknown> = {},
): Promise<ToolOutput> {
  const similar = await findProducts(ctx.db, ctx.scope, text, 5, { anyWord: true });
  return { result: { ...more, found: false, product: text, did_you_mean: similar.map((p) => p.title) } };
}

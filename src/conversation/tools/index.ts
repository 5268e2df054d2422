/**
 * The tools a conversation offers the model, bound to one request's seller. `run`
 * validates the model's input against the tool's schema and answers with JSON text;
 * what goes wrong becomes an error result the model can act on (its input, a period
 * that has not begun), never an exception text from inside. Each run reads in its own
 * read-only transaction, as the database reader bound to the request's seller
 * (`readSellerData`): a tool's query sees that seller's rows only, whatever it says.
 */
import { z } from 'zod';
import { readSellerData } from '../../analytics/seller-reads.ts';
import { isAppError } from '../../errors/app-error.ts';
import type { Logger } from '../../logging/logger.ts';
import { comparePeriods } from './compare-periods.tool.ts';
import { compareProductMarketplaces } from './compare-product-marketplaces.tool.ts';
import { inventoryStatusTool } from './inventory-status.tool.ts';
import { productPerformance } from './product-performance.tool.ts';
import { returnRate } from './return-rate.tool.ts';
import { salesSummary } from './sales-summary.tool.ts';
import { syncStatus } from './sync-status.tool.ts';
import type { Tool, ToolOutput, ToolRequest } from './tool.ts';
import { topProductsTool } from './top-products.tool.ts';

export const TOOLS: readonly Tool[] = [
  salesSummary,
  comparePeriods,
  topProductsTool,
  compareProductMarketplaces,
  returnRate,
  inventoryStatusTool,
  productPerformance,
  syncStatus,
] as Tool[];

/** What a channel's status line says while the model uses each tool. */
export const TOOL_STATUS: Record<string, string> = {
  sales_summary: 'Looking at your sales…',
  compare_periods: 'Comparing the periods…',
  top_products: 'Ranking your products…',
  compare_product_marketplaces: 'Comparing your products across marketplaces…',
  return_rate: 'Looking at your returns…',
  inventory_status: 'Checking your stock…',
  product_performance: 'Looking at that product…',
  sync_status: 'Checking your connections…',
};

export type ToolRun = { ok: true; content: string; output: ToolOutput } | { ok: false; content: string };

export interface BoundTool {
  name: string;
  description: string;
  /** JSON Schema of the input, as the model is given it. */
  inputSchema: Record<string, unknown>;
  run(input: unknown): Promise<ToolRun>;
}

/** Each tool's JSON schema, made once: the same on every request (and for prompt caching). */
const SCHEMAS = new Map(TOOLS.map((tool) => [tool.name, inputSchemaOf(tool)]));

export function bindTools(request: ToolRequest, log: Logger, tools: readonly Tool[] = TOOLS): BoundTool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: SCHEMAS.get(tool.name) ?? inputSchemaOf(tool),
    run: (input) => runTool(tool, input, request, log),
  }));
}

export function inputSchemaOf(tool: Tool): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' });
  return schema;
}

async function runTool(tool: Tool, input: unknown, request: ToolRequest, log: Logger): Promise<ToolRun> {
  const parsed = tool.input.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, content: `invalid input for ${tool.name}: ${z.prettifyError(parsed.error)}` };
  }
  try {
    const { pool, ...rest } = request;
    const output = await readSellerData(pool, request.scope, (db) => tool.execute(parsed.data, { ...rest, db }));
    return { ok: true, content: JSON.stringify(output.result), output };
  } catch (error) {
    if (isAppError(error, 'BAD_REQUEST')) return { ok: false, content: error.message };
    log.error({ err: error, tool: tool.name }, 'analytics tool failed');
    return { ok: false, content: `${tool.name} could not be answered just now (an internal error)` };
  }
}

/**
 * POST /admin/api/<version>/graphql.json for one shop: validate against the real
 * schema, charge the query's cost to the shop's leaky bucket (THROTTLED when it cannot
 * afford it, as Shopify answers: HTTP 200 with an error), execute, refund the unused
 * cost, and report `extensions.cost` like the real API.
 */
import { execute, GraphQLError } from 'graphql';
import type { SandboxContext } from '../sandbox-context.ts';
import type { StoreDef } from '../world/stores.ts';
import { type BulkOperations, renderBulkOperation } from './shopify-bulk.ts';
import { actualCost, MAX_QUERY_COST, requestedCost } from './shopify-cost.ts';
import { type ConnectionArgs, ShopData } from './shopify-data.ts';
import { parseShopifyQuery, shopifySchema } from './shopify-schema.ts';

/** Restore rate (points/s) by plan; the bucket holds 20 seconds of it. */
export const SHOPIFY_PLANS = { standard: 100, advanced: 200, plus: 1000 } as const;
export type ShopifyPlan = keyof typeof SHOPIFY_PLANS;

export function planOf(store: StoreDef): ShopifyPlan {
  return (['standard', 'advanced', 'plus'] as const)[(store.seller - 1) % 3] as ShopifyPlan;
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export function runShopifyGraphql(ctx: SandboxContext, bulk: BulkOperations, store: StoreDef, request: GraphqlRequest) {
  if (typeof request.query !== 'string') {
    return { errors: [{ message: 'Parameter Missing or Invalid', extensions: { code: 'BAD_REQUEST' } }] };
  }
  const parsed = parseShopifyQuery(request.query);
  if ('errors' in parsed) return { errors: parsed.errors.map((e) => e.toJSON()) };
  const variables = (request.variables && typeof request.variables === 'object' ? request.variables : {}) as Record<
    string,
    unknown
  >;
  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;

  const restoreRate = SHOPIFY_PLANS[planOf(store)];
  const maximumAvailable = restoreRate * 20;
  const bucket = ctx.limits.bucket(`shopify:${store.key}`, restoreRate, maximumAvailable);
  const requested = requestedCost(parsed.document, variables, operationName);
  const throttleStatus = () => ({
    maximumAvailable,
    currentlyAvailable: Math.floor(ctx.limits.enabled ? bucket.available() : maximumAvailable),
    restoreRate,
  });
  if (requested > MAX_QUERY_COST) {
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST },
        },
      ],
    };
  }
  if (ctx.limits.enabled && !bucket.take(requested).ok) {
    return {
      errors: [
        {
          message: 'Throttled',
          extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
        },
      ],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } },
    };
  }

  const shop = new ShopData(ctx, store);
  const result = execute({
    schema: shopifySchema(),
    document: parsed.document,
    rootValue: rootValue(ctx, bulk, shop),
    variableValues: variables,
    operationName,
  });
  if (result instanceof Promise) throw new Error('resolvers are synchronous');
  const actual = Math.min(requested, actualCost(result.data));
  if (ctx.limits.enabled) bucket.give(requested - actual);
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() } },
  };
}

function rootValue(ctx: SandboxContext, bulk: BulkOperations, shop: ShopData) {
  const numeric = (id: unknown, type: string) => {
    const m = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(String(id));
    return m && m[1] === type ? Number(m[2]) : undefined;
  };
  const bulkView = (id: unknown) => {
    const op = bulk.get(String(id));
    if (!op || op.storeKey !== shop.store.key) return null;
    bulk.observe(op, shop);
    return renderBulkOperation(op, ctx.baseUrl());
  };
  return {
    shop: () => ({
      __typename: 'Shop',
      id: `gid://shopify/Shop/${shop.store.seller}`,
      name: shop.store.sellerName,
      myshopifyDomain: shop.store.accountId,
      currencyCode: shop.store.currency,
      ianaTimezone: 'UTC',
      plan: { displayName: planOf(shop.store), partnerDevelopment: false, shopifyPlus: planOf(shop.store) === 'plus' },
    }),
    orders: (args: ConnectionArgs) => shop.ordersConnection(args),
    ordersCount: (args: { query?: string | null; limit?: number | null }) => shop.ordersCount(args),
    order: ({ id }: { id: string }) => {
      const n = numeric(id, 'Order');
      return n === undefined ? null : shop.order(n);
    },
    products: (args: ConnectionArgs) => shop.productsConnection(args),
    nodes: ({ ids }: { ids: string[] }) =>
      ids.map((id) => {
        const n = numeric(id, 'Order');
        return n === undefined ? null : shop.order(n);
      }),
    node: ({ id }: { id: string }) => {
      const n = numeric(id, 'Order');
      if (n !== undefined) return shop.order(n);
      return numeric(id, 'BulkOperation') !== undefined ? bulkView(id) : null;
    },
    bulkOperation: ({ id }: { id: string }) => bulkView(id),
    currentBulkOperation: () => {
      const op = bulk.current(shop.store.key);
      return op ? bulkView(op.id) : null;
    },
    bulkOperationRunQuery: ({ query }: { query: string }) => {
      const parsed = parseShopifyQuery(query);
      if ('errors' in parsed) {
        return {
          bulkOperation: null,
          userErrors: parsed.errors.map((e) => ({ field: ['query'], message: e.message, code: 'INVALID' })),
        };
      }
      const { op, userError } = bulk.start(shop.store.key, query, parsed.document);
      if (!op) return { bulkOperation: null, userErrors: [{ field: ['query'], message: userError, code: 'INVALID' }] };
      return { bulkOperation: renderBulkOperation(op, ctx.baseUrl()), userErrors: [] };
    },
    bulkOperationCancel: ({ id }: { id: string }) => {
      const op = bulk.cancel(String(id));
      if (!op || op.storeKey !== shop.store.key) throw new GraphQLError('Bulk operation does not exist');
      return { bulkOperation: renderBulkOperation(op, ctx.baseUrl()), userErrors: [] };
    },
  };
}

/**
 * The Shopify client against Shopify's API mocked at the network layer (nock): paging
 * and cursors, cost pacing and THROTTLED, 429 Retry-After, 5xx retries, token renewal
 * on 401, malformed records, the bulk path.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionTokens } from '../../src/connections/connection-tokens.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Page } from '../../src/marketplaces/marketplace-client.ts';
import { MarketplaceError } from '../../src/marketplaces/marketplace-error.ts';
import type { ShopifyApp } from '../../src/marketplaces/shopify/shopify-app.ts';
import { ShopifyClient, type ShopifyClientOptions } from '../../src/marketplaces/shopify/shopify-client.ts';
import { TokenManager } from '../../src/marketplaces/token-manager.ts';
import type { OrderRow } from '../../src/sync/unified-rows.ts';

const SHOP = 'test-shop.myshopify.com';
const HOST = `https://${SHOP}`;
const GRAPHQL = '/admin/api/2026-01/graphql.json';
const app: ShopifyApp = {
  clientId: 'id',
  clientSecret: 'secret',
  apiVersion: '2026-01',
  shopUrl: (s) => `https://${s}`,
};
const log = createLogger({ logLevel: 'silent' });

function order(n: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `gid://shopify/Order/${n}`,
    name: `#${1000 + n}`,
    createdAt: '2026-10-01T10:00:00Z',
    updatedAt: `2026-10-02T10:00:${String(n % 60).padStart(2, '0')}Z`,
    cancelledAt: null,
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    returnStatus: 'NO_RETURN',
    totalPriceSet: { shopMoney: { amount: '39.98', currencyCode: 'USD' } },
    totalRefundedSet: { shopMoney: { amount: '0.0' } },
    customer: null,
    fulfillments: [],
    lineItems: {
      pageInfo: { hasNextPage: false, endCursor: null },
      nodes: [lineItem(n, 1)],
    },
    ...overrides,
  };
}

function lineItem(n: number, k: number) {
  return {
    id: `gid://shopify/LineItem/${n}${k}`,
    title: 'Shirt',
    quantity: 2,
    sku: 'SKU-1',
    originalUnitPriceSet: { shopMoney: { amount: '19.99', currencyCode: 'USD' } },
    variant: { id: 'gid://shopify/ProductVariant/1', sku: 'SKU-1' },
  };
}

const cost = (requested: number, available: number, restoreRate = 1000) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: requested,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate },
  },
});

function ordersPage(nodes: unknown[], hasNextPage: boolean, count?: number, endCursor = 'c1') {
  return {
    data: {
      ...(count !== undefined ? { ordersCount: { count, precision: 'EXACT' } } : {}),
      orders: { pageInfo: { hasNextPage, endCursor }, nodes },
    },
    extensions: cost(900, 1900),
  };
}

function tokens(options: { refresh?: boolean; expiresInMs?: number; persisted?: ConnectionTokens[] } = {}) {
  let n = 0;
  const refreshed = { calls: 0 };
  const manager = new TokenManager({
    marketplace: 'shopify',
    tokens: {
      accessToken: 'shpat_old',
      refreshToken: 'shprt_0',
      expiresAt: new Date(Date.now() + (options.expiresInMs ?? 3_600_000)),
    },
    refresh:
      options.refresh === false
        ? undefined
        : async () => {
            refreshed.calls++;
            n++;
            return {
              accessToken: `shpat_new${n}`,
              refreshToken: `shprt_${n}`,
              expiresAt: new Date(Date.now() + 3_600_000),
            };
          },
    persist: async (t) => {
      options.persisted?.push(t);
    },
  });
  return { manager, refreshed };
}

function client(options: Partial<ShopifyClientOptions> = {}) {
  return new ShopifyClient({
    shop: SHOP,
    app,
    tokens: tokens().manager,
    log,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
}

async function collect<T>(pages: AsyncIterable<Page<T>>): Promise<Page<T>[]> {
  const out: Page<T>[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

afterEach(() => {
  nock.cleanAll();
});

describe('Shopify client paging', () => {
  it('pages orders by updated-at from the cursor minus the overlap, a cursor per page', async () => {
    const bodies: any[] = [];
    nock(HOST)
      .post(GRAPHQL, (b) => bodies.push(b) > 0)
      .reply(200, ordersPage([order(1), order(2)], true, 3, 'after-2'))
      .post(GRAPHQL, (b) => bodies.push(b) > 0)
      .reply(200, ordersPage([order(3)], false));
    const pages = await collect(client({ overlapMs: 60_000 }).orders({ updatedAt: '2026-10-02T10:00:00.000Z' }));
    expect(bodies[0].variables).toMatchObject({
      after: null,
      withCount: true,
      query: "updated_at:>='2026-10-02T09:59:00.000Z'",
    });
    expect(bodies[1].variables).toMatchObject({ after: 'after-2', withCount: false });
    expect(pages.map((p) => p.rows.map((r) => r.externalOrderId))).toEqual([
      ['gid://shopify/Order/1', 'gid://shopify/Order/2'],
      ['gid://shopify/Order/3'],
    ]);
    expect(pages.map((p) => p.cursor.updatedAt)).toEqual(['2026-10-02T10:00:02Z', '2026-10-02T10:00:03Z']);
    expect(pages[0]?.estimatedTotal).toBe(3);
    expect(pages[0]?.rows[0]?.items[0]).toMatchObject({ quantity: 2, unitPrice: '19.99', totalPrice: '39.98' });
  });

  it('fetches the rest of an order’s line items when its page held only the first ones', async () => {
    const many = order(7, {
      lineItems: {
        pageInfo: { hasNextPage: true, endCursor: 'li-5' },
        nodes: [1, 2, 3, 4, 5].map((k) => lineItem(7, k)),
      },
    });
    let asked: any;
    nock(HOST)
      .post(GRAPHQL)
      .reply(200, ordersPage([many], false, 1))
      .post(GRAPHQL, (b) => {
        asked = b.variables;
        return true;
      })
      .reply(200, {
        data: { order: { lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [lineItem(7, 6)] } } },
        extensions: cost(102, 1800),
      });
    const [page] = await collect(client().orders(undefined));
    expect(asked).toEqual({ id: 'gid://shopify/Order/7', after: 'li-5' });
    expect(page?.rows[0]?.items).toHaveLength(6);
  });

  it('quarantines malformed orders with the reason and goes on with the rest', async () => {
    nock(HOST)
      .post(GRAPHQL)
      .reply(
        200,
        ordersPage(
          [
            order(1),
            order(2, { totalPriceSet: { shopMoney: { amount: 'abc', currencyCode: 'USD' } } }),
            order(3, { createdAt: 'not a date' }),
            order(4, { totalPriceSet: null }),
            order(5, {
              lineItems: { pageInfo: { hasNextPage: false }, nodes: [{ ...lineItem(5, 1), quantity: '2' }] },
            }),
          ],
          true,
          6,
        ),
      )
      .post(GRAPHQL)
      .reply(200, ordersPage([order(6)], false));
    const pages = await collect(client().orders(undefined));
    expect(pages.flatMap((p) => p.rows.map((r) => r.externalOrderId))).toEqual([
      'gid://shopify/Order/1',
      'gid://shopify/Order/6',
    ]);
    const reasons = pages[0]?.quarantined.map((q) => [q.externalId, q.reason]);
    expect(reasons).toEqual([
      ['gid://shopify/Order/2', expect.stringMatching(/totalPriceSet\.shopMoney\.amount/)],
      ['gid://shopify/Order/3', expect.stringMatching(/createdAt/)],
      ['gid://shopify/Order/4', expect.stringMatching(/totalPriceSet/)],
      ['gid://shopify/Order/5', expect.stringMatching(/line item: quantity/)],
    ]);
  });
});

describe('Shopify client under rate limits and faults', () => {
  it('on THROTTLED waits until the bucket can afford the query, then retries', async () => {
    const at: number[] = [];
    nock(HOST)
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(200, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: {
          cost: {
            requestedQueryCost: 300,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 1000 },
          },
        },
      })
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(200, ordersPage([order(1)], false, 1));
    const c = client();
    const pages = await collect(c.orders(undefined));
    expect(pages[0]?.rows).toHaveLength(1);
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(300); // 300 points at 1,000/s
    expect(c.stats.throttled).toBe(1);
  });

  it('paces itself: no request until the bucket holds the last cost of the query', async () => {
    const at: number[] = [];
    const page = (nodes: unknown[], next: boolean) => ({
      ...ordersPage(nodes, next, 2),
      extensions: cost(900, 600, 2000), // 300 points short at 2,000/s: 150 ms
    });
    nock(HOST)
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(200, page([order(1)], true))
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(200, page([order(2)], false));
    const c = client();
    await collect(c.orders(undefined));
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(150);
    expect(c.stats.throttled).toBe(0);
  });

  it('sends nothing before Retry-After expires after a 429 (seconds or an HTTP date)', async () => {
    const at: number[] = [];
    let retryAt = '';
    nock(HOST)
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(429, { errors: 'Exceeded' }, { 'Retry-After': '0.3' })
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(
        429,
        { errors: 'Exceeded' },
        {
          'Retry-After': () => {
            retryAt = new Date(Date.now() + 2000).toUTCString(); // whole seconds, as HTTP dates are
            return retryAt;
          },
        },
      )
      .post(GRAPHQL, () => at.push(Date.now()) > 0)
      .reply(200, ordersPage([order(1)], false, 1));
    const c = client();
    await collect(c.orders(undefined));
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(300);
    expect(at[2] as number).toBeGreaterThanOrEqual(Date.parse(retryAt));
    expect(c.stats).toMatchObject({ apiCalls: 3, throttled: 2 });
  });

  it('retries 5xx with backoff, and gives up as temporary', async () => {
    nock(HOST)
      .post(GRAPHQL)
      .reply(503)
      .post(GRAPHQL)
      .reply(502)
      .post(GRAPHQL)
      .reply(200, ordersPage([order(1)], false, 1));
    const c = client();
    expect((await collect(c.orders(undefined)))[0]?.rows).toHaveLength(1);
    expect(c.stats.retries).toBe(2);

    nock(HOST).post(GRAPHQL).times(3).reply(500, 'Internal Server Error');
    const failing = client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await collect(failing.orders(undefined)).catch((e) => e);
    expect(error).toBeInstanceOf(MarketplaceError);
    expect(error).toMatchObject({ kind: 'temporary', status: 500 });
  });

  it('classifies 404 as not_found and other 4xx as unknown', async () => {
    nock(HOST).post(GRAPHQL).reply(404, { errors: 'Not Found' });
    await expect(collect(client().orders(undefined))).rejects.toMatchObject({ kind: 'not_found' });
    nock(HOST).post(GRAPHQL).reply(400, { errors: 'Bad Request' });
    await expect(collect(client().orders(undefined))).rejects.toMatchObject({ kind: 'unknown' });
  });
});

describe('Shopify client tokens', () => {
  it('on 401 refreshes once (persisted first), retries with the new token; a second 401 is auth_revoked', async () => {
    const persisted: ConnectionTokens[] = [];
    const { manager, refreshed } = tokens({ persisted });
    nock(HOST)
      .post(GRAPHQL)
      .matchHeader('x-shopify-access-token', 'shpat_old')
      .reply(401, { errors: 'Invalid API key or access token' })
      .post(GRAPHQL)
      .matchHeader('x-shopify-access-token', 'shpat_new1')
      .reply(200, ordersPage([order(1)], false, 1));
    await collect(client({ tokens: manager }).orders(undefined));
    expect(nock.isDone()).toBe(true);
    expect(refreshed.calls).toBe(1);
    expect(persisted.map((t) => t.refreshToken)).toEqual(['shprt_1']);

    nock(HOST).post(GRAPHQL).times(2).reply(401, { errors: 'Invalid API key or access token' });
    await expect(collect(client({ tokens: manager }).orders(undefined))).rejects.toMatchObject({
      kind: 'auth_revoked',
    });
    expect(refreshed.calls).toBe(2);
  });

  it('shares one refresh between requests rejected at the same time', async () => {
    const { manager, refreshed } = tokens();
    nock(HOST)
      .post(GRAPHQL)
      .times(2)
      .reply(401, {})
      .post(GRAPHQL)
      .times(2)
      .reply(200, ordersPage([order(1)], false, 1));
    await Promise.all([
      collect(client({ tokens: manager }).orders(undefined)),
      collect(client({ tokens: manager }).orders(undefined)),
    ]);
    expect(refreshed.calls).toBe(1);
  });

  it('without a refresh token a 401 is auth_revoked at once; a token about to expire is refreshed first', async () => {
    nock(HOST).post(GRAPHQL).reply(401, {});
    const offline = tokens({ refresh: false }).manager;
    await expect(collect(client({ tokens: offline }).orders(undefined))).rejects.toMatchObject({
      kind: 'auth_revoked',
    });

    const soon = tokens({ expiresInMs: 60_000 });
    nock(HOST)
      .post(GRAPHQL)
      .matchHeader('x-shopify-access-token', 'shpat_new1')
      .reply(200, ordersPage([], false, 0));
    await collect(client({ tokens: soon.manager }).orders(undefined));
    expect(soon.refreshed.calls).toBe(1);
    expect(nock.isDone()).toBe(true);
  });
});

describe('Shopify client bulk path', () => {
  it('reads a large change set through a bulk operation and streams its JSONL', async () => {
    const FILE = 'https://storage.example.com';
    const runs: any[] = [];
    const jsonl = [
      { ...order(2), lineItems: undefined },
      { ...lineItem(2, 1), __parentId: 'gid://shopify/Order/2' },
      { ...order(3), lineItems: undefined },
      { ...lineItem(3, 1), __parentId: 'gid://shopify/Order/3' },
      { ...lineItem(3, 2), __parentId: 'gid://shopify/Order/3' },
    ]
      .map((l) => JSON.stringify(l))
      .concat(['{not json', JSON.stringify({ ...order(4), lineItems: undefined })])
      .join('\n');
    nock(HOST)
      .post(GRAPHQL)
      .reply(200, ordersPage([order(1)], true, 500))
      .post(GRAPHQL, (b) => runs.push(b.variables) > 0)
      .reply(200, {
        data: {
          bulkOperationRunQuery: {
            bulkOperation: { id: 'gid://shopify/BulkOperation/1', status: 'CREATED' },
            userErrors: [],
          },
        },
        extensions: cost(10, 1990),
      })
      .post(GRAPHQL)
      .reply(200, {
        data: { bulkOperation: { id: 'b', status: 'RUNNING', errorCode: null, url: null, objectCount: '0' } },
        extensions: cost(1, 1990),
      })
      .post(GRAPHQL)
      .reply(200, {
        data: {
          bulkOperation: {
            id: 'b',
            status: 'COMPLETED',
            errorCode: null,
            url: `${FILE}/result.jsonl`,
            objectCount: '7',
          },
        },
        extensions: cost(1, 1990),
      });
    // the file is at a signed storage URL: the access token must not go there
    nock(FILE, { badheaders: ['x-shopify-access-token'] })
      .get('/result.jsonl')
      .reply(200, `${jsonl}\n`);
    const pages = await collect(client({ bulkPageSize: 2 }).orders(undefined));
    expect(runs[0].query).toContain(`query: "updated_at:>='2026-10-02T10:00:01Z'"`);
    const rows = pages.flatMap((p) => p.rows) as OrderRow[];
    expect(rows.map((r) => [r.externalOrderId, r.items.length])).toEqual([
      ['gid://shopify/Order/1', 1],
      ['gid://shopify/Order/2', 1],
      ['gid://shopify/Order/3', 2],
      ['gid://shopify/Order/4', 0],
    ]);
    expect(pages.flatMap((p) => p.quarantined.map((q) => q.reason))).toEqual([expect.stringMatching(/^bulk line/)]);
    expect(pages.at(-1)?.cursor.updatedAt).toBe('2026-10-02T10:00:04Z');
    expect(nock.isDone()).toBe(true);
  });
});

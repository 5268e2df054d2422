import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { signShopifyQuery } from '../../src/sandbox/shopify/shopify-oauth.ts';
import { approveConsent, json, SANDBOX_START, startSandbox } from '../support/sandbox.ts';

const SHOP = 'indigo-loom.myshopify.com';
const ORDERS = `query($after: String, $q: String) {
  orders(first: 40, after: $after, sortKey: UPDATED_AT, query: $q) {
    pageInfo { hasNextPage endCursor }
    nodes { id name updatedAt displayFinancialStatus displayFulfillmentStatus cancelledAt
      totalPriceSet { shopMoney { amount currencyCode } } lineItems(first: 5) { nodes { id sku quantity } } }
  }
}`;

describe('sandbox: Shopify Admin GraphQL', () => {
  let sandbox: Sandbox;
  let base: string;
  let token: string;

  async function connect(shop = SHOP, extra: Record<string, string> = {}) {
    const { clientId, clientSecret } = sandbox.context.apps.shopify;
    const auth = await approveConsent(
      `${base}/shopify/${shop}/admin/oauth/authorize?client_id=${clientId}&scope=read_orders,read_all_orders&redirect_uri=${encodeURIComponent('https://shopiq.test/oauth/shopify')}&state=s-1`,
    );
    expect(auth.status).toBe(302);
    const query = Object.fromEntries(new URL(auth.headers.get('location') as string).searchParams);
    const res = await fetch(`${base}/shopify/${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, code: query.code, ...extra }),
    });
    return { query, res, body: (await res.json()) as Record<string, unknown> };
  }

  const gql = async (query: string, variables: Record<string, unknown> = {}, accessToken = token, shop = SHOP) => {
    const res = await fetch(`${base}/shopify/${shop}/admin/api/2026-01/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  async function allOrders(q?: string) {
    const seen: any[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await gql(ORDERS, { after, q });
      expect(body.errors).toBeUndefined();
      seen.push(...body.data.orders.nodes);
      if (!body.data.orders.pageInfo.hasNextPage) return seen;
      after = body.data.orders.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    ({ sandbox, base } = await startSandbox());
    token = (await connect()).body.access_token as string;
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('OAuth: the callback query is HMAC-signed as Shopify signs it, the code is single-use', async () => {
    const { query, body } = await connect();
    expect(query).toMatchObject({ shop: SHOP, state: 's-1' });
    expect(query.hmac).toBe(signShopifyQuery(query, sandbox.context.apps.shopify.clientSecret));
    expect(query.hmac).not.toBe(signShopifyQuery(query, 'another-secret'));
    expect(body.access_token).toMatch(/^shpat_/);
    const reuse = await fetch(`${base}/shopify/${SHOP}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...sandbox.context.apps.shopify,
        client_id: sandbox.context.apps.shopify.clientId,
        code: query.code,
      }),
    });
    expect(reuse.status).toBe(400);
  });

  it('OAuth: expiring offline tokens come with a refresh token that rotates', async () => {
    const { body } = await connect(SHOP, { expiring: '1' });
    expect(body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/) });
    const { clientId, clientSecret } = sandbox.context.apps.shopify;
    const refresh = (refresh_token: unknown) =>
      fetch(`${base}/shopify/${SHOP}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: clientId,
          client_secret: clientSecret,
          grant_type: 'refresh_token',
          refresh_token,
        }),
      });
    const first = await refresh(body.refresh_token);
    expect(first.status).toBe(200);
    expect((await json(first)).refresh_token).not.toBe(body.refresh_token);
    expect((await refresh(body.refresh_token)).status).toBe(400);
  });

  it('uninstall: DELETE api_permissions/current.json answers {} and the shop’s tokens stop working', async () => {
    const shop = 'atelier-jaipur.myshopify.com';
    const uninstall = (accessToken: string) =>
      fetch(`${base}/shopify/${shop}/admin/api_permissions/current.json`, {
        method: 'DELETE',
        headers: { 'x-shopify-access-token': accessToken },
      });
    const first = (await connect(shop, { expiring: '1' })).body;
    const second = (await connect(shop)).body.access_token as string;
    expect((await gql('{ shop { name } }', {}, second, shop)).status).toBe(200);
    const other = (await connect('desi-threads.myshopify.com')).body.access_token as string;
    const refused = await uninstall(other);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    });

    const done = await uninstall(first.access_token as string);
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({});
    expect((await gql('{ shop { name } }', {}, first.access_token as string, shop)).status).toBe(401);
    expect((await gql('{ shop { name } }', {}, second, shop)).status).toBe(401);
    const { clientId, clientSecret } = sandbox.context.apps.shopify;
    const refresh = await fetch(`${base}/shopify/${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
      }),
    });
    expect(refresh.status).toBe(400);
    expect((await uninstall(second)).status).toBe(401);
    // other shops keep their install
    expect((await gql('{ shop { name } }', {}, other, 'desi-threads.myshopify.com')).status).toBe(200);
  });

  it('answers 401 for a missing token, another shop’s token and an expired token', async () => {
    expect((await gql('{ shop { name } }', {}, 'shpat_nope')).status).toBe(401);
    const other = (await connect('desi-threads.myshopify.com')).body.access_token as string;
    expect((await gql('{ shop { name } }', {}, other)).status).toBe(401);
    sandbox.context.faults.apply({ shopify: { tokenTtlS: 0.2 } });
    try {
      const shortLived = (await connect()).body.access_token as string;
      expect((await gql('{ shop { name } }', {}, shortLived)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect((await gql('{ shop { name } }', {}, shortLived)).status).toBe(401);
    } finally {
      sandbox.context.faults.clear();
    }
  });

  it('lists its stores with what a client needs to connect', async () => {
    const listing = await json(fetch(`${base}/_sandbox/stores`));
    expect(listing.stores).toHaveLength(9);
    const flipkart = listing.stores.find((s: any) => s.key === 's2-flipkart');
    const token = await fetch(
      `${base}/flipkart/oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${flipkart.selfAccess.appId}:${flipkart.selfAccess.appSecret}`).toString('base64')}`,
        },
      },
    );
    expect(token.status).toBe(200);
    expect(listing.stores.find((s: any) => s.key === 's3-amazon')).toMatchObject({
      currency: 'GBP',
      amazonMarketplace: { code: 'UK' },
    });
  });

  it('rejects what the real schema rejects', async () => {
    const unknown = await gql('{ orders(first: 1) { nodes { id bogusField } } }');
    expect(unknown.body.errors[0].message).toContain('Cannot query field "bogusField" on type "Order"');
    const badArg = await gql('{ orders(first: 1, sortKey: PRICE) { nodes { id } } }');
    expect(badArg.body.errors[0].message).toMatch(/OrderSortKeys/);
    const tooMany = await gql('{ orders(first: 251) { nodes { id } } }');
    expect(tooMany.body.errors[0].message).toContain('between 0 and 250');
  });

  it('pages by UPDATED_AT over every order exactly once; same seed, same data', async () => {
    const orders = await allOrders("updated_at:>='2020-01-01T00:00:00Z'");
    const store = sandbox.context.world.orders('s1-shopify');
    expect(orders).toHaveLength(store.count);
    expect(new Set(orders.map((o) => o.id)).size).toBe(store.count);
    const times = orders.map((o) => Date.parse(o.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const again = await startSandbox();
    try {
      const res = await fetch(`${again.base}/_sandbox/truth`);
      const truth = await json(res);
      const mine = await json(fetch(`${base}/_sandbox/truth`));
      expect(truth.orders).toEqual(mine.orders);
    } finally {
      await again.sandbox.close();
    }
  });

  it('agrees with the ground truth: counts and amounts by month and status', async () => {
    const truth = await json(fetch(`${base}/_sandbox/truth`));
    const rows = truth.orders.filter((r: any) => r.store === 's1-shopify');
    const orders = await allOrders();
    const sum = (xs: any[]) => xs.reduce((n, o) => n + Math.round(Number(o.totalPriceSet.shopMoney.amount) * 100), 0);
    expect(rows.reduce((n: number, r: any) => n + r.orders, 0)).toBe(orders.length);
    expect(rows.reduce((n: number, r: any) => n + Math.round(Number(r.amount) * 100), 0)).toBe(sum(orders));
    const cancelled = orders.filter((o) => o.cancelledAt !== null).length;
    expect(rows.filter((r: any) => r.sourceStatus === 'CANCELLED').reduce((n: number, r: any) => n + r.orders, 0)).toBe(
      cancelled,
    );
  });

  it('a delta after mutations returns exactly the orders changed since', async () => {
    const since = new Date(sandbox.context.world.clockMs + 1000).toISOString();
    const res = await fetch(`${base}/_sandbox/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 30, advanceMs: 3_600_000, stores: ['s1-shopify'] }),
    });
    const { changed } = await json(res);
    const total = Object.values(changed['s1-shopify'] as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(30);
    const delta = await allOrders(`updated_at:>='${since}'`);
    expect(delta.length).toBeGreaterThan(0);
    expect(delta.length).toBeLessThanOrEqual(30);
    expect(delta.every((o) => Date.parse(o.updatedAt) >= Date.parse(since))).toBe(true);
    expect(delta.some((o) => Number(o.name.slice(1)) > 1000 + 300)).toBe(true); // new orders too
  });

  it('bulk operation: CREATED → RUNNING → COMPLETED, JSONL children after their parent', async () => {
    const run = await gql(
      `mutation { bulkOperationRunQuery(query: """{ orders { edges { node { id name lineItems { edges { node { id sku quantity } } } } } } }""") { bulkOperation { id status } userErrors { message } } }`,
    );
    expect(run.body.data.bulkOperationRunQuery).toMatchObject({ bulkOperation: { status: 'CREATED' }, userErrors: [] });
    const statuses: string[] = [];
    let op: any;
    do {
      op = (await gql('{ currentBulkOperation { id status objectCount url } }')).body.data.currentBulkOperation;
      statuses.push(op.status);
      if (op.status !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 20));
    } while (op.status !== 'COMPLETED' && statuses.length < 50);
    // running for a while (its size decides how long), then done
    expect(statuses[0]).toBe('RUNNING');
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(new Set(statuses)).toEqual(new Set(['RUNNING', 'COMPLETED']));
    const lines = (await (await fetch(op.url)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const seen = new Set<string>();
    let items = 0;
    for (const line of lines) {
      if (line.__parentId) {
        expect(seen.has(line.__parentId)).toBe(true);
        items++;
      } else seen.add(line.id);
    }
    const store = sandbox.context.world.orders('s1-shopify');
    expect(seen.size).toBe(store.count);
    expect(Number(op.objectCount)).toBe(store.count);
    expect(items).toBeGreaterThan(store.count * 2);
  });

  it('throttles by query cost at the plan’s restore rate, answering THROTTLED with the bucket state', async () => {
    sandbox.context.limits.enabled = true;
    try {
      const heavy = '{ orders(first: 250) { nodes { id totalPriceSet { shopMoney { amount } } } } }'; // 2 + 250 × 3 = 752
      const results = [];
      for (let i = 0; i < 4; i++) results.push((await gql(heavy)).body);
      const throttled = results.find((r) => r.errors?.[0]?.extensions?.code === 'THROTTLED');
      expect(throttled).toBeDefined();
      const { throttleStatus, requestedQueryCost } = throttled.extensions.cost;
      expect(requestedQueryCost).toBe(752);
      expect(throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
      expect(throttleStatus.currentlyAvailable).toBeLessThan(752);
      // waiting for what the bucket lacks, at 100 points a second, is enough
      await new Promise((r) => setTimeout(r, ((752 - throttleStatus.currentlyAvailable) / 100) * 1000 + 100));
      expect((await gql(heavy)).body.errors).toBeUndefined();
    } finally {
      sandbox.context.limits.enabled = false;
    }
  });
});

describe('sandbox: faults', () => {
  let sandbox: Sandbox;
  let base: string;
  beforeAll(async () => {
    ({ sandbox, base } = await startSandbox());
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  const rates = () => fetch(`${base}/fx/v1/2026-10-01?base=USD&symbols=INR`, { signal: AbortSignal.timeout(2000) });

  it('answers a configured share of requests 429 with Retry-After, and 5xx', async () => {
    sandbox.context.faults.apply({ fx: { rate429: 0.3, retryAfterS: 7, rate5xx: 0.1 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await rates();
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers.get('retry-after')).toBe('7');
        await res.arrayBuffer();
      }
      const share = (s: number) => statuses.filter((x) => x === s).length / statuses.length;
      expect(share(429)).toBeGreaterThan(0.2);
      expect(share(429)).toBeLessThan(0.4);
      expect(statuses.filter((s) => s >= 500).length).toBeGreaterThan(5);
      expect(share(200)).toBeGreaterThan(0.45);
    } finally {
      sandbox.context.faults.clear();
    }
  });

  it('adds latency, hangs and resets connections as set', async () => {
    sandbox.context.faults.apply({ fx: { latencyMs: 150 } });
    const t0 = performance.now();
    expect((await rates()).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    sandbox.context.faults.clear();
    sandbox.context.faults.apply({ fx: { hangRate: 1 } });
    await expect(fetch(`${base}/fx/v1/latest?base=USD`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /timeout|aborted/i,
    );
    sandbox.context.faults.clear();
    sandbox.context.faults.apply({ fx: { resetRate: 1 } });
    await expect(rates()).rejects.toThrow();
    sandbox.context.faults.clear();
    expect((await rates()).status).toBe(200);
  });

  it('serves daily FX rates with history; weekends answer with the Friday before', async () => {
    const saturday = await json(fetch(`${base}/fx/v1/2026-10-03?base=USD&symbols=INR,EUR`));
    expect(saturday.date).toBe('2026-10-02');
    expect(saturday.rates.INR).toBeGreaterThan(75);
    const range = await json(fetch(`${base}/fx/v1/2026-10-01..2026-10-07?base=USD&symbols=INR`));
    expect(Object.keys(range.rates)).toEqual(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect((await fetch(`${base}/fx/v1/2026-10-01?base=USD&symbols=XXX`)).status).toBe(404);
    expect(SANDBOX_START).toBeGreaterThan(Date.parse('2026-10-07'));
  });
});

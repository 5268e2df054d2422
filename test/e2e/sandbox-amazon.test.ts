import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { amazonOrderId, orderIsFba } from '../../src/sandbox/amazon/amazon-ids.ts';
import { amazonTruthView } from '../../src/sandbox/amazon/amazon-truth.ts';
import { DEFAULT_APPS } from '../../src/sandbox/sandbox-context.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { computeTruth } from '../../src/sandbox/truth/truth.ts';
import { updatedAt } from '../../src/sandbox/world/lifecycle.ts';
import { approveConsent, useSandboxes } from '../support/sandbox.ts';

const APP = DEFAULT_APPS.amazon;
const REDIRECT = 'https://shopiq.example/oauth/amazon/callback';
const ORDER_ID = /^\d{3}-\d{7}-\d{7}$/;

/** Response bodies, checked field by field. */
type Json = Record<string, any>;

const start = useSandboxes('/amazon');
let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  ({ sandbox, base } = await start());
});

async function consent(at: string, seller: string, state = 'st-1'): Promise<URL> {
  const q = new URLSearchParams({
    application_id: APP.applicationId,
    state,
    version: 'beta',
    redirect_uri: REDIRECT,
    seller,
  });
  const res = await approveConsent(`${at}/apps/authorize/consent?${q}`);
  expect(res.status).toBe(302);
  return new URL(String(res.headers.get('location')));
}

async function lwa(at: string, form: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${at}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: APP.clientId, client_secret: APP.clientSecret, ...form }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function authorize(at: string, seller: string): Promise<string> {
  const code = String((await consent(at, seller)).searchParams.get('spapi_oauth_code'));
  const { body } = await lwa(at, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  return body.access_token as string;
}

async function sp(at: string, path: string, token: string | undefined, init: RequestInit = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['x-amz-access-token'] = token;
  const res = await fetch(`${at}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Json };
}

function store(key: string) {
  const s = sandbox.context.world.store(key);
  if (!s?.amazonMarketplace) throw new Error(`no amazon store ${key}`);
  return { ...s, marketplaceId: s.amazonMarketplace.id };
}

/** Every page of a searchOrders pass; `between` runs after the first page. */
async function searchAll(at: string, token: string, query: string, between?: () => void) {
  const ids: string[] = [];
  let bound = '';
  let next: string | undefined;
  let pages = 0;
  do {
    const page = await sp(
      at,
      `/orders/2026-01-01/orders?${query}${next ? `&paginationToken=${encodeURIComponent(next)}` : ''}`,
      token,
    );
    expect(page.status).toBe(200);
    for (const o of page.body.orders) ids.push(o.orderId);
    bound = page.body.lastUpdatedBefore;
    next = page.body.pagination?.nextToken;
    if (++pages === 1) between?.();
  } while (next);
  return { ids, bound, pages };
}

describe('Amazon sandbox: authorization', () => {
  it('consent redirects with state, selling partner id and a one-use code that LWA exchanges and refreshes', async () => {
    const s2 = store('s2-amazon');
    const back = await consent(base, 's2-amazon', 'xyz');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('xyz');
    expect(back.searchParams.get('selling_partner_id')).toBe(s2.accountId);
    const code = String(back.searchParams.get('spapi_oauth_code'));

    const exchanged = await lwa(base, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(exchanged.body.access_token).toMatch(/^Atza\|/);
    expect(exchanged.body.refresh_token).toMatch(/^Atzr\|/);

    const again = await lwa(base, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const badSecret = await lwa(base, {
      grant_type: 'refresh_token',
      refresh_token: exchanged.body.refresh_token,
      client_secret: 'nope',
    });
    expect(badSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    const refreshed = await lwa(base, { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toMatch(/^Atza\|/);
    expect(refreshed.body.access_token).not.toBe(exchanged.body.access_token);
    // the token decides the seller: s2 sells on amazon.in
    const v0 = await sp(
      base,
      `/orders/v0/orders?MarketplaceIds=${s2.marketplaceId}&CreatedAfter=2020-01-01T00:00:00Z&MaxResultsPerPage=1`,
      refreshed.body.access_token,
    );
    expect(v0.status).toBe(200);
    expect(v0.body.payload.Orders[0].MarketplaceId).toBe(s2.marketplaceId);
    expect(v0.body.payload.Orders[0].OrderTotal.CurrencyCode).toBe('INR');
  });

  it('refuses an unknown application and a redirect_uri that differs at the exchange', async () => {
    const res = await fetch(
      `${base}/apps/authorize/consent?application_id=amzn1.sp.solution.other&redirect_uri=${REDIRECT}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    const code = String((await consent(base, 's1-amazon')).searchParams.get('spapi_oauth_code'));
    const wrong = await lwa(base, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://elsewhere.example/cb',
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers 403 Unauthorized for a missing, an unknown and an expired access token', async () => {
    const missing = await sp(base, '/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z', undefined);
    expect(missing.status).toBe(403);
    expect(missing.body.errors[0]).toMatchObject({
      code: 'Unauthorized',
      message: 'Access to requested resource is denied.',
    });
    const bogus = await sp(base, '/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z', 'Atza|bogus');
    expect(bogus.status).toBe(403);
    expect(bogus.body.errors[0].details).toMatch(/revoked, malformed or invalid/);

    sandbox.context.faults.apply({ amazon: { tokenTtlS: 1 } });
    try {
      const code = String((await consent(base, 's1-amazon')).searchParams.get('spapi_oauth_code'));
      const { body } = await lwa(base, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
      expect(body.expires_in).toBe(1);
      const fresh = await sp(
        base,
        '/orders/2026-01-01/orders?lastUpdatedAfter=2026-10-01T00:00:00Z&maxResultsPerPage=1',
        body.access_token,
      );
      expect(fresh.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await sp(
        base,
        '/orders/2026-01-01/orders?lastUpdatedAfter=2026-10-01T00:00:00Z&maxResultsPerPage=1',
        body.access_token,
      );
      expect(expired.status).toBe(403);
      expect(expired.body.errors[0]).toMatchObject({
        code: 'Unauthorized',
        details: 'The access token you provided has expired.',
      });
    } finally {
      sandbox.context.faults.clear();
    }
  });
});

describe('Amazon sandbox: Orders API', () => {
  let token: string;
  beforeAll(async () => {
    token = await authorize(base, 's1-amazon');
    sandbox.context.world.advanceClock(180_000); // every generated order is now more than 2 minutes old
  });

  it('searchOrders pages return every order of the store exactly once', async () => {
    const { ids, pages } = await searchAll(base, token, 'lastUpdatedAfter=2020-01-01T00:00:00Z&maxResultsPerPage=37');
    expect(pages).toBe(Math.ceil(300 / 37));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(sandbox.context.world.orders('s1-amazon').count);
    for (const id of ids) expect(id).toMatch(ORDER_ID);
  });

  it('changes between pages neither repeat nor lose orders: changed ones come with the next delta', async () => {
    const world = sandbox.context.world;
    const first = await searchAll(base, token, 'lastUpdatedAfter=2020-01-01T00:00:00Z&maxResultsPerPage=50', () =>
      world.mutate({ count: 60, stores: ['s1-amazon'], advanceMs: 600_000 }),
    );
    expect(new Set(first.ids).size).toBe(first.ids.length);
    const bound = Date.parse(first.bound);
    const served = new Set(first.ids);
    const orders = world.orders('s1-amazon');
    const s1 = world.store('s1-amazon');
    if (!s1) throw new Error('no store');
    // every order still at or before the snapshot was served in this pass
    for (const o of orders.all()) if (updatedAt(o) <= bound) expect(served.has(amazonOrderId(s1, o))).toBe(true);

    world.advanceClock(180_000);
    const delta = await searchAll(
      base,
      token,
      `lastUpdatedAfter=${encodeURIComponent(first.bound)}&maxResultsPerPage=100`,
    );
    for (const id of delta.ids) served.add(id);
    expect(orders.count).toBeGreaterThan(300);
    expect(served.size).toBe(orders.count);
  });

  it('rejects a lastUpdatedBefore less than 2 minutes old and a missing or double start', async () => {
    const clock = sandbox.context.world.clockMs;
    const recent = new Date(clock - 60_000).toISOString();
    const tooRecent = await sp(
      base,
      `/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&lastUpdatedBefore=${recent}`,
      token,
    );
    expect(tooRecent.status).toBe(400);
    expect(tooRecent.body.errors[0].code).toBe('InvalidInput');
    const ok = await sp(
      base,
      `/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&lastUpdatedBefore=${new Date(clock - 180_000).toISOString()}&maxResultsPerPage=1`,
      token,
    );
    expect(ok.status).toBe(200);
    expect((await sp(base, '/orders/2026-01-01/orders', token)).status).toBe(400);
    const both = await sp(
      base,
      '/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&createdAfter=2026-01-01T00:00:00Z',
      token,
    );
    expect(both.status).toBe(400);
    expect(
      (await sp(base, '/orders/2026-01-01/orders?createdAfter=2026-01-01T00:00:00Z&maxResultsPerPage=101', token))
        .status,
    ).toBe(400);
  });

  it('serves the 2026-01-01 order shape with the datasets asked for, and no buyer PII', async () => {
    const s1 = store('s1-amazon');
    const page = await sp(
      base,
      '/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=100&includedData=FULFILLMENT,PROCEEDS,PACKAGES,BUYER,RECIPIENT',
      token,
    );
    expect(page.status).toBe(200);
    const bare = await sp(
      base,
      '/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=1',
      token,
    );
    expect(bare.body.orders[0].fulfillment).toBeUndefined();
    const text = JSON.stringify(page.body);
    expect(text).not.toMatch(/@|buyer|recipient|deliveryAddress/i);
    for (const o of page.body.orders) {
      expect(o.salesChannel.marketplaceId).toBe(s1.marketplaceId);
      expect(['PENDING_AVAILABILITY', 'PENDING', 'UNSHIPPED', 'SHIPPED', 'CANCELLED']).toContain(
        o.fulfillment.fulfillmentStatus,
      );
      expect(['MERCHANT', 'AMAZON']).toContain(o.fulfillment.fulfilledBy);
      // each item's proceeds add up from their breakdowns (ITEM = unit price × quantity, DISCOUNT negative,
      // SHIPPING, TAX), and the order's grand total from its items'
      const cents = (m: Json) => Math.round(Number(m.amount) * 100);
      let sum = 0;
      for (const i of o.orderItems) {
        const parts = i.proceeds.breakdowns as Json[];
        const item = parts.find((b) => b.type === 'ITEM') as Json;
        expect(cents(item.subtotal)).toBe(cents(i.product.price.unitPrice) * i.quantityOrdered);
        expect(parts.reduce((n, b) => n + cents(b.subtotal), 0)).toBe(cents(i.proceeds.proceedsTotal));
        sum += cents(i.proceeds.proceedsTotal);
      }
      expect(cents(o.proceeds.grandTotal)).toBe(sum);
      expect(o.proceeds.grandTotal.currencyCode).toBe('USD');
      if (o.fulfillment.fulfilledBy === 'AMAZON') expect(o.packages).toBeUndefined();
      if (o.fulfillment.fulfilledBy === 'MERCHANT' && o.fulfillment.fulfillmentStatus === 'SHIPPED') {
        expect(['IN_TRANSIT', 'DELIVERED']).toContain(o.packages[0].packageStatus.status);
      }
    }
    const fbaShare =
      page.body.orders.filter((o: Json) => o.fulfillment.fulfilledBy === 'AMAZON').length / page.body.orders.length;
    expect(fbaShare).toBeGreaterThan(0.15);
    expect(fbaShare).toBeLessThan(0.65);
    const one = await sp(
      base,
      `/orders/2026-01-01/orders/${page.body.orders[3].orderId}?includedData=FULFILLMENT,PROCEEDS`,
      token,
    );
    expect(one.body.order).toEqual(
      Object.fromEntries(Object.entries(page.body.orders[3]).filter(([k]) => k !== 'packages')),
    );
    expect((await sp(base, '/orders/2026-01-01/orders/111-0000000-0000000', token)).status).toBe(404);
  });

  it('serves v0 getOrders and getOrderItems: amounts as strings, ItemPrice = unit price × quantity, OrderTotal what the buyer pays, statuses as the truth counts them', async () => {
    const s1 = store('s1-amazon');
    const statuses = new Map<string, number>();
    let next: string | undefined;
    let firstPage: Json | undefined;
    do {
      const q = next
        ? `NextToken=${encodeURIComponent(next)}`
        : 'CreatedAfter=2020-01-01T00:00:00Z&MaxResultsPerPage=100';
      const page = await sp(base, `/orders/v0/orders?MarketplaceIds=${s1.marketplaceId}&${q}`, token);
      expect(page.status).toBe(200);
      firstPage ??= page.body;
      for (const o of page.body.payload.Orders) statuses.set(o.OrderStatus, (statuses.get(o.OrderStatus) ?? 0) + 1);
      next = page.body.payload.NextToken;
    } while (next);
    const order = (firstPage as Json).payload.Orders[0];
    expect(order.AmazonOrderId).toMatch(ORDER_ID);
    expect(order.OrderTotal).toEqual({ CurrencyCode: 'USD', Amount: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(order.FulfillmentChannel).toMatch(/^(AFN|MFN)$/);

    const items = await sp(base, `/orders/v0/orders/${order.AmazonOrderId}/orderItems`, token);
    expect(items.body.payload.AmazonOrderId).toBe(order.AmazonOrderId);
    const v2026 = await sp(base, `/orders/2026-01-01/orders/${order.AmazonOrderId}`, token);
    let total = 0;
    for (const item of items.body.payload.OrderItems) {
      const same = v2026.body.order.orderItems.find((i: Json) => i.orderItemId === item.OrderItemId);
      expect(Math.round(Number(item.ItemPrice.Amount) * 100)).toBe(
        Math.round(Number(same.product.price.unitPrice.amount) * 100) * item.QuantityOrdered,
      );
      // what the buyer pays for the item: its price less promotions, plus shipping and taxes
      const cents = (m: Json) => Math.round(Number(m.Amount) * 100);
      total +=
        cents(item.ItemPrice) -
        cents(item.PromotionDiscount) +
        cents(item.ShippingPrice) +
        cents(item.ItemTax) +
        cents(item.ShippingTax);
    }
    expect(total).toBe(Math.round(Number(order.OrderTotal.Amount) * 100));

    const truth = computeTruth(sandbox.context.world).orders.filter((r) => r.store === 's1-amazon');
    // the truth states the status in 2026-01-01 words; v0 names the same states its own way
    const inV0: Record<string, string> = {
      PENDING_AVAILABILITY: 'PendingAvailability',
      PENDING: 'Pending',
      UNSHIPPED: 'Unshipped',
      SHIPPED: 'Shipped',
      CANCELLED: 'Canceled',
    };
    const truthStatuses = new Map<string, number>();
    for (const r of truth) {
      const v0 = inV0[r.sourceStatus] ?? `unexpected ${r.sourceStatus}`;
      truthStatuses.set(v0, (truthStatuses.get(v0) ?? 0) + r.orders);
    }
    expect(statuses).toEqual(truthStatuses);
  });

  it('same seed, same responses; another seed, other orders', async () => {
    const query =
      '/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=20&includedData=FULFILLMENT,PROCEEDS,PACKAGES';
    const twin = await start(7);
    const other = await start(8);
    const bodies = [];
    for (const at of [twin, other]) {
      at.sandbox.context.world.advanceClock(180_000);
      bodies.push((await sp(at.base, query, await authorize(at.base, 's1-amazon'))).body);
    }
    const fresh = await start(7);
    fresh.sandbox.context.world.advanceClock(180_000);
    const again = (await sp(fresh.base, query, await authorize(fresh.base, 's1-amazon'))).body;
    expect(again).toEqual(bodies[0]);
    expect(again.pagination.nextToken).toBe(bodies[0]?.pagination.nextToken);
    expect(bodies[1]?.orders[0].orderId).not.toBe(again.orders[0].orderId);
  });
});

describe('Amazon sandbox: limits and faults', () => {
  it('with limits on, searchOrders beyond its burst of 20 is answered 429 QuotaExceeded without a rate header', async () => {
    const token = await authorize(base, 's3-amazon');
    const path = '/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=1';
    sandbox.context.limits.enabled = true;
    try {
      for (let i = 0; i < 20; i++) {
        const ok = await sp(base, path, token);
        expect(ok.status).toBe(200);
        expect(ok.headers.get('x-amzn-ratelimit-limit')).toBe('0.0056');
      }
      const limited = await sp(base, path, token);
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0].code).toBe('QuotaExceeded');
      expect(limited.headers.get('x-amzn-ratelimit-limit')).toBeNull();
      // buckets are per operation: getOrder still answers
      expect((await sp(base, '/orders/v0/orders/111-0000000-0000000', token)).status).toBe(404);
    } finally {
      sandbox.context.limits.enabled = false;
    }
  });

  it('a 30% 429 fault on orders answers about 3 in 10 requests with QuotaExceeded', async () => {
    const token = await authorize(base, 's1-amazon');
    sandbox.context.faults.apply({ 'amazon/orders': { rate429: 0.3 } });
    try {
      let limited = 0;
      for (let i = 0; i < 100; i++) {
        const res = await sp(
          base,
          '/orders/2026-01-01/orders?createdAfter=2026-10-01T00:00:00Z&maxResultsPerPage=1',
          token,
        );
        if (res.status === 429) {
          limited++;
          expect(res.body.errors[0].code).toBe('QuotaExceeded');
        } else expect(res.status).toBe(200);
      }
      expect(limited).toBeGreaterThan(15);
      expect(limited).toBeLessThan(45);
    } finally {
      sandbox.context.faults.clear();
    }
  });
});

describe('Amazon sandbox: Reports API', () => {
  let token: string;
  beforeAll(async () => {
    token = await authorize(base, 's2-amazon');
  });

  async function runReport(body: Json): Promise<Json> {
    const created = await sp(base, '/reports/2021-06-30/reports', token, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(202);
    const seen: string[] = [];
    let report: Json = {};
    for (let i = 0; i < 3; i++) {
      report = (await sp(base, `/reports/2021-06-30/reports/${created.body.reportId}`, token)).body;
      seen.push(report.processingStatus);
    }
    return { ...report, seen };
  }

  async function download(documentId: string): Promise<string[][]> {
    const doc = await sp(base, `/reports/2021-06-30/documents/${encodeURIComponent(documentId)}`, token);
    expect(doc.body).toMatchObject({ reportDocumentId: documentId, compressionAlgorithm: 'GZIP' });
    const file = await fetch(doc.body.url);
    expect(file.status).toBe(200);
    const text = gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    return text
      .slice(0, -1)
      .split('\n')
      .map((line) => line.split('\t'));
  }

  it('an all-orders report goes IN_QUEUE → IN_PROGRESS → DONE and its gunzipped TSV has one row per order item', async () => {
    const s2 = store('s2-amazon');
    const world = sandbox.context.world;
    const to = world.clockMs;
    const from = to - 30 * 86_400_000;
    const report = await runReport({
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: [s2.marketplaceId],
      dataStartTime: new Date(from).toISOString(),
      dataEndTime: new Date(to).toISOString(),
    });
    expect(report.seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'DONE']);
    expect(report.reportDocumentId).toMatch(/^amzn1\.spdoc\./);
    const [header, ...rows] = await download(report.reportDocumentId);
    expect(header?.slice(0, 16)).toEqual([
      'amazon-order-id',
      'merchant-order-id',
      'purchase-date',
      'last-updated-date',
      'order-status',
      'fulfillment-channel',
      'sales-channel',
      'order-channel',
      'ship-service-level',
      'product-name',
      'sku',
      'asin',
      'item-status',
      'quantity',
      'currency',
      'item-price',
    ]);
    let items = 0;
    for (const o of world.orders('s2-amazon').byUpdated({ fromMs: from, toMs: to })) items += o.lines.length;
    expect(items).toBeGreaterThan(0);
    expect(rows.length).toBe(items);
    for (const row of rows) {
      expect(row).toHaveLength(header?.length ?? 0);
      expect(row[0]).toMatch(ORDER_ID);
      expect(row[14]).toBe('INR');
    }
  });

  it('FBA returns in the report are the returned units the truth counts', async () => {
    const s2 = store('s2-amazon');
    const world = sandbox.context.world;
    const report = await runReport({
      reportType: 'GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA',
      marketplaceIds: [s2.marketplaceId],
      dataStartTime: '2024-01-01T00:00:00Z',
      dataEndTime: new Date(world.clockMs).toISOString(),
    });
    expect(report.processingStatus).toBe('DONE');
    const [header, ...rows] = await download(report.reportDocumentId);
    const quantity = header?.indexOf('quantity') ?? -1;
    const reported = rows.reduce((n, r) => n + Number(r[quantity]), 0);
    const storeDef = world.store('s2-amazon');
    if (!storeDef) throw new Error('no store');
    let truth = 0;
    for (const o of world.orders('s2-amazon').all()) {
      if (orderIsFba(storeDef, o)) truth += amazonTruthView(o, storeDef).returnedUnits;
    }
    expect(reported).toBeGreaterThan(0);
    expect(reported).toBe(truth);
  });

  it('a merchant returns report over more than 60 days ends FATAL; a forced CANCELLED has no document', async () => {
    const s2 = store('s2-amazon');
    const fatal = await runReport({
      reportType: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE',
      marketplaceIds: [s2.marketplaceId],
      dataStartTime: '2026-01-01T00:00:00Z',
      dataEndTime: '2026-10-01T00:00:00Z',
    });
    expect(fatal.seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'FATAL']);
    const cancelled = await runReport({
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: [s2.marketplaceId],
      reportOptions: { _sandboxOutcome: 'CANCELLED' },
    });
    expect(cancelled.processingStatus).toBe('CANCELLED');
    expect(cancelled.reportDocumentId).toBeUndefined();
    const unknown = await sp(base, '/reports/2021-06-30/reports', token, {
      method: 'POST',
      body: JSON.stringify({ reportType: 'GET_NOTHING', marketplaceIds: [s2.marketplaceId] }),
    });
    expect(unknown.status).toBe(400);
  });

  it('a tampered document URL is refused', async () => {
    const s2 = store('s2-amazon');
    const report = await runReport({
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: [s2.marketplaceId],
      dataStartTime: '2026-10-15T00:00:00Z',
    });
    const doc = await sp(base, `/reports/2021-06-30/documents/${encodeURIComponent(report.reportDocumentId)}`, token);
    const res = await fetch(String(doc.body.url).replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=z'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
  });
});

describe('Amazon sandbox: listings and FBA inventory', () => {
  it('serves a listing by SKU with its price, and pages the FBA SKUs with their quantities', async () => {
    const token = await authorize(base, 's1-amazon');
    const s1 = store('s1-amazon');
    const listed = sandbox.context.world.catalog(1).find((p) => p.listings.amazon?.sku);
    const sku = String(listed?.listings.amazon?.sku);
    const item = await sp(
      base,
      `/listings/2021-08-01/items/${s1.accountId}/${encodeURIComponent(sku)}?marketplaceIds=${s1.marketplaceId}&includedData=summaries,offers,fulfillmentAvailability`,
      token,
    );
    expect(item.status).toBe(200);
    expect(item.body.sku).toBe(sku);
    expect(item.body.summaries[0]).toMatchObject({
      marketplaceId: s1.marketplaceId,
      itemName: listed?.listings.amazon?.title,
    });
    expect(item.body.summaries[0].asin).toMatch(/^B0[A-Z0-9]{8}$/);
    expect(item.body.offers[0].price).toEqual({ currencyCode: 'USD', amount: expect.stringMatching(/^\d+\.\d{2}$/) });
    const missing = await sp(
      base,
      `/listings/2021-08-01/items/${s1.accountId}/NO-SUCH-SKU?marketplaceIds=${s1.marketplaceId}`,
      token,
    );
    expect(missing.status).toBe(404);

    const skus: string[] = [];
    let next: string | undefined;
    do {
      const q = `granularityType=Marketplace&granularityId=${s1.marketplaceId}&marketplaceIds=${s1.marketplaceId}${next ? `&nextToken=${next}` : ''}`;
      const page = await sp(base, `/fba/inventory/v1/summaries?${q}`, token);
      expect(page.status).toBe(200);
      for (const s of page.body.payload.inventorySummaries) {
        expect(Number.isInteger(s.totalQuantity)).toBe(true);
        skus.push(s.sellerSku);
      }
      next = page.body.pagination?.nextToken;
    } while (next);
    const amazonSkus = sandbox.context.world.catalog(1).filter((p) => p.listings.amazon?.sku).length;
    expect(new Set(skus).size).toBe(skus.length);
    expect(skus.length).toBeGreaterThan(0);
    expect(skus.length).toBeLessThan(amazonSkus);
  });
});

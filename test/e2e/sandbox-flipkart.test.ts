import { beforeAll, describe, expect, it } from 'vitest';
import { flipkartSelfAccessCredentials } from '../../src/sandbox/flipkart/flipkart-auth.ts';
import { flipkartOrderId, flipkartOrderItemId } from '../../src/sandbox/flipkart/flipkart-ids.ts';
import { flipkartTruthView } from '../../src/sandbox/flipkart/flipkart-truth.ts';
import { DEFAULT_APPS } from '../../src/sandbox/sandbox-context.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { updatedAt } from '../../src/sandbox/world/lifecycle.ts';
import { approveConsent, SANDBOX_START as START, useSandboxes } from '../support/sandbox.ts';

const APP = DEFAULT_APPS.flipkart;
const REDIRECT = 'https://shopiq.example/oauth/flipkart/callback';
const ALL_STATES = {
  preDispatch: ['APPROVED', 'PACKING_IN_PROGRESS', 'PACKED', 'FORM_FAILED', 'READY_TO_DISPATCH'],
  postDispatch: ['SHIPPED', 'DELIVERED', 'PICKUP_COMPLETE'],
};
const CANCELLATION_TYPES = ['sellerCancellation', 'buyerCancellation', 'marketplaceCancellation'];

/** Response bodies, checked field by field. */
type Json = Record<string, any>;

const start = useSandboxes('/flipkart');
let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  ({ sandbox, base } = await start());
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function call(at: string, path: string, init: RequestInit & { token?: string; auth?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.auth !== undefined) headers.authorization = init.auth;
  const res = await fetch(`${at}${path}`, { ...init, headers, redirect: 'manual' });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('json') && text;
  return { status: res.status, headers: res.headers, body: (isJson ? JSON.parse(text) : {}) as Json };
}

async function selfToken(at: string, s: Sandbox, storeKey: string): Promise<string> {
  const own = flipkartSelfAccessCredentials(s.context, storeKey);
  const res = await call(at, '/oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api', {
    auth: basic(own.appId, own.appSecret),
  });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

function filter(token: string, body: Json) {
  return call(base, '/sellers/v3/shipments/filter', { method: 'POST', token, body: JSON.stringify(body) });
}

/** Every page of one filter; `between` runs after the first page. */
async function filterAll(at: string, token: string, body: Json, between?: () => void) {
  const shipments: Json[] = [];
  let page = await call(at, '/sellers/v3/shipments/filter', { method: 'POST', token, body: JSON.stringify(body) });
  let pages = 0;
  for (;;) {
    expect(page.status).toBe(200);
    expect(page.body.shipments.length).toBeLessThanOrEqual(body.pagination?.pageSize ?? 20);
    shipments.push(...page.body.shipments);
    if (++pages === 1) between?.();
    if (!page.body.hasMore) break;
    expect(page.body.nextPageUrl).toMatch(/^\/v3\/shipments\/filter\?next_token=/);
    page = await call(at, `/sellers${page.body.nextPageUrl}`, { token });
  }
  return { shipments, pages };
}

/** Every filter type (and cancellation type) over one modifiedDate window. */
async function sweepWindow(token: string, from: string, to: string) {
  const window = { modifiedDate: { from, to } };
  const bodies: Json[] = [
    { filter: { type: 'preDispatch', states: ALL_STATES.preDispatch, ...window } },
    { filter: { type: 'postDispatch', states: ALL_STATES.postDispatch, ...window } },
    ...CANCELLATION_TYPES.map((cancellationType) => ({
      filter: { type: 'cancelled', states: ['CANCELLED'], cancellationType, ...window },
    })),
  ];
  const shipments: Json[] = [];
  for (const body of bodies)
    shipments.push(...(await filterAll(base, token, { ...body, pagination: { pageSize: 20 } })).shipments);
  return shipments;
}

function store(key: string) {
  const s = sandbox.context.world.store(key);
  if (!s) throw new Error(`no store ${key}`);
  return s;
}

describe('Flipkart sandbox: OAuth', () => {
  it('issues a self-access token for client credentials, and the credentials decide the seller', async () => {
    const own = flipkartSelfAccessCredentials(sandbox.context, 's2-flipkart');
    expect(own.appId).toBe('sandbox-fk-s2-flipkart');
    const ok = await call(base, '/oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api', {
      auth: basic(own.appId, own.appSecret),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'bearer', expires_in: 60 * 86_400, scope: 'Seller_Api' });
    expect(ok.body.refresh_token).toBeUndefined();

    const s2Order = sandbox.context.world.orders('s2-flipkart').get(5);
    if (!s2Order) throw new Error('no order');
    const id = flipkartOrderId(store('s2-flipkart'), s2Order);
    const mine = await call(base, `/sellers/v3/shipments?orderIds=${id}`, { token: ok.body.access_token });
    expect(mine.body.shipments.map((s: Json) => s.orderItems[0].orderId)).toEqual([id]);
    const other = await call(base, `/sellers/v3/shipments?orderIds=${id}`, {
      token: await selfToken(base, sandbox, 's1-flipkart'),
    });
    expect(other.body.shipments).toEqual([]);

    const wrong = await call(base, '/oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api', {
      auth: basic(own.appId, 'not-the-secret'),
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('runs the authorization-code flow with state, one-use codes and refresh tokens', async () => {
    const q = new URLSearchParams({
      client_id: APP.appId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'Seller_Api',
      state: 'st-42',
      seller: 's2-flipkart',
    });
    const consent = await approveConsent(`${base}/oauth-service/oauth/authorize?${q}`);
    expect(consent.status).toBe(302);
    const back = new URL(String(consent.headers.get('location')));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-42');
    const code = String(back.searchParams.get('code'));
    const exchange = (extra: Record<string, string>, auth = basic(APP.appId, APP.appSecret)) =>
      call(base, `/oauth-service/oauth/token?${new URLSearchParams({ grant_type: 'authorization_code', ...extra })}`, {
        auth,
      });

    const badClient = await exchange({ code, redirect_uri: REDIRECT, state: 'st-42' }, basic(APP.appId, 'nope'));
    expect(badClient).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const granted = await exchange({ code, redirect_uri: REDIRECT, state: 'st-42' });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'bearer', scope: 'Seller_Api', expires_in: 60 * 86_400 });
    expect(typeof granted.body.refresh_token).toBe('string');
    const reused = await exchange({ code, redirect_uri: REDIRECT, state: 'st-42' });
    expect(reused).toMatchObject({ status: 401, body: { error: 'invalid_grant' } });

    const refreshed = await call(
      base,
      `/oauth-service/oauth/token?grant_type=refresh_token&refresh_token=${granted.body.refresh_token}`,
      { auth: basic(APP.appId, APP.appSecret) },
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(granted.body.access_token);
    // the seller who approved is the one the token reads
    const s2Order = sandbox.context.world.orders('s2-flipkart').get(0);
    if (!s2Order) throw new Error('no order');
    const id = flipkartOrderId(store('s2-flipkart'), s2Order);
    const lookup = await call(base, `/sellers/v3/shipments?orderIds=${id}`, { token: refreshed.body.access_token });
    expect(lookup.body.shipments).toHaveLength(1);
  });

  it('answers 401 for a missing, an unknown and an expired bearer token', async () => {
    const body = JSON.stringify({ filter: { type: 'cancelled', cancellationType: 'buyerCancellation' } });
    const missing = await call(base, '/sellers/v3/shipments/filter', { method: 'POST', body });
    expect(missing).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const bogus = await call(base, '/sellers/v3/shipments/filter', { method: 'POST', body, token: 'bogus' });
    expect(bogus).toMatchObject({ status: 401, body: { error: 'invalid_token' } });

    sandbox.context.faults.apply({ flipkart: { tokenTtlS: 1 } });
    try {
      const own = flipkartSelfAccessCredentials(sandbox.context, 's1-flipkart');
      const issued = await call(base, '/oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api', {
        auth: basic(own.appId, own.appSecret),
      });
      expect(issued.body.expires_in).toBe(1);
      const token = issued.body.access_token as string;
      expect((await call(base, '/sellers/v3/shipments/filter', { method: 'POST', body, token })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await call(base, '/sellers/v3/shipments/filter', { method: 'POST', body, token });
      expect(expired).toMatchObject({
        status: 401,
        body: { error: 'invalid_token', error_description: 'Access token expired' },
      });
    } finally {
      sandbox.context.faults.clear();
    }
  });
});

describe('Flipkart sandbox: shipments', () => {
  let token: string;
  beforeAll(async () => {
    token = await selfToken(base, sandbox, 's1-flipkart');
  });

  it('modifiedDate windows over all filter types return every order item exactly once, as the truth states it', async () => {
    const s1 = store('s1-flipkart');
    const orders = [...sandbox.context.world.orders('s1-flipkart').all()];
    const edges = ['2020-01-01T00:00:00.000Z'];
    for (let t = Date.UTC(2025, 0, 1); t < START; t += 90 * 86_400_000) edges.push(new Date(t).toISOString());
    edges.push(new Date(START + 1).toISOString());
    const shipments: Json[] = [];
    for (let w = 1; w < edges.length; w++) {
      shipments.push(...(await sweepWindow(token, edges[w - 1] as string, edges[w] as string)));
    }
    const items = shipments.flatMap((s) => s.orderItems as Json[]);
    const ids = items.map((i) => i.orderItemId as string);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = orders.flatMap((o) => o.lines.map((l) => flipkartOrderItemId(s1, o, l.line)));
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(new Set(items.map((i) => i.orderId)).size).toBe(orders.length);

    // the raw states are Flipkart's words, and the truth agrees with what the API served
    const byOrder = new Map<string, Json[]>();
    for (const item of items) byOrder.set(item.orderId, [...(byOrder.get(item.orderId) ?? []), item]);
    const vocabulary = new Set([
      ...ALL_STATES.preDispatch,
      ...ALL_STATES.postDispatch,
      'CANCELLED',
      'RETURN_REQUESTED',
      'RETURNED',
    ]);
    for (const order of orders) {
      const served = byOrder.get(flipkartOrderId(s1, order)) ?? [];
      const truth = flipkartTruthView(order, s1);
      for (const item of served) expect(vocabulary.has(item.status)).toBe(true);
      expect([...new Set(served.map((i) => i.status))].sort().join('+')).toBe(truth.sourceStatus);
      // the items not cancelled (all of them when every one is) make the order's figures
      const live = served.filter((i) => i.status !== 'CANCELLED');
      const counted = live.length > 0 ? live : served;
      const paise = (f: (i: Json) => number) => counted.reduce((sum, i) => sum + Math.round(f(i) * 100), 0);
      expect(paise((i) => i.priceComponents.totalPrice)).toBe(truth.collectedMinor);
      expect(paise((i) => i.priceComponents.sellingPrice)).toBe(truth.netMinor);
      expect(paise((i) => i.priceComponents.sellingPrice + i.priceComponents.shippingCharge)).toBe(
        truth.collectedMinor,
      );
      const returned = served.filter((i) => i.status === 'RETURNED').reduce((n, i) => n + i.quantity, 0);
      expect(returned).toBe(truth.returnedUnits);
    }
    // states differ within some orders: one line cancelled on its own
    const mixed = [...byOrder.values()].filter((list) => new Set(list.map((i) => i.status)).size > 1);
    expect(mixed.some((list) => list.some((i) => i.status === 'CANCELLED'))).toBe(true);
    const statuses = new Set(items.map((i) => i.status));
    for (const s of ['DELIVERED', 'CANCELLED', 'RETURNED', 'SHIPPED']) expect(statuses.has(s)).toBe(true);
  });

  it('changes between pages neither repeat nor lose shipments: changed ones come with the next window', async () => {
    const world = sandbox.context.world;
    const s3 = store('s3-flipkart');
    const own = await selfToken(base, sandbox, 's3-flipkart');
    const bound = world.clockMs;
    const body = (from: string) => ({
      filter: { type: 'postDispatch', states: ALL_STATES.postDispatch, modifiedDate: { from } },
      pagination: { pageSize: 20 },
    });
    const first = await filterAll(base, own, body('2020-01-01T00:00:00Z'), () =>
      world.mutate({ count: 80, stores: ['s3-flipkart'], advanceMs: 600_000 }),
    );
    expect(first.pages).toBeGreaterThan(2);
    const firstIds = first.shipments.map((s) => s.orderItems[0].orderId as string);
    expect(new Set(firstIds).size).toBe(firstIds.length);
    for (const s of first.shipments) expect(Date.parse(s.updatedAt)).toBeLessThanOrEqual(bound);

    const delta = await filterAll(base, own, body(new Date(bound + 1).toISOString()));
    expect(delta.shipments.length).toBeGreaterThan(0);
    const served = new Set([...firstIds, ...delta.shipments.map((s) => s.orderItems[0].orderId as string)]);
    const orders = world.orders('s3-flipkart');
    expect(orders.count).toBeGreaterThan(300);
    for (const order of orders.all()) {
      const post = flipkartTruthView(order, s3).sourceStatus.match(/SHIPPED|DELIVERED|PICKUP_COMPLETE|RETURN/);
      const id = flipkartOrderId(s3, order);
      if (post) expect(served.has(id)).toBe(true);
      // untouched since the first page: served once, in the first pass
      if (post && updatedAt(order) <= bound) expect(firstIds.includes(id)).toBe(true);
    }
  });

  it('serves an identical first page for the same seed and a different one for another seed', async () => {
    const body = {
      filter: { type: 'postDispatch', states: ['DELIVERED'], orderDate: { from: '2026-01-01T00:00:00Z' } },
      pagination: { pageSize: 5 },
    };
    const pageOf = async (seed: number) => {
      const s = await start(seed);
      return (
        await call(s.base, '/sellers/v3/shipments/filter', {
          method: 'POST',
          token: await selfToken(s.base, s.sandbox, 's1-flipkart'),
          body: JSON.stringify(body),
        })
      ).body;
    };
    const [a, b, c] = [await pageOf(7), await pageOf(7), await pageOf(8)];
    expect(a.shipments).toHaveLength(5);
    expect(b).toEqual(a);
    expect(c.shipments[0].shipmentId).not.toBe(a.shipments[0].shipmentId);
  });

  it('refuses invalid filters with 400 and Flipkart error bodies', async () => {
    const cases: [Json | string, string][] = [
      [{ filter: { type: 'shipped', states: ['SHIPPED'] } }, 'filter.type'],
      [{ filter: { type: 'preDispatch', states: ['SHIPPED'] } }, 'filter.states'],
      [{ filter: { type: 'postDispatch' } }, 'filter.states'],
      [{ filter: { type: 'cancelled', states: ['CANCELLED'] } }, 'filter.cancellationType'],
      [{ filter: { type: 'cancelled', cancellationType: 'courierCancellation' } }, 'filter.cancellationType'],
      [{ filter: { type: 'postDispatch', states: ['SHIPPED'], orderDate: { from: 'yesterday' } } }, 'filter.orderDate'],
      [{ filter: { type: 'postDispatch', states: ['SHIPPED'] }, pagination: { pageSize: 21 } }, 'pagination.pageSize'],
      [{ filter: { type: 'postDispatch', states: ['SHIPPED'] }, sort: { field: 'price' } }, 'sort.field'],
    ];
    for (const [body, path] of cases) {
      const res = await filter(token, body as Json);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ severity: 'ERROR', code: 400, path });
      expect(typeof res.body.errors[0].description).toBe('string');
    }
    const malformed = await call(base, '/sellers/v3/shipments/filter', { method: 'POST', token, body: '{"filter":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toMatchObject({ severity: 'ERROR', description: 'Malformed JSON request body.' });
    const badToken = await call(base, '/sellers/v3/shipments/filter?next_token=garbage', { token });
    expect(badToken.status).toBe(400);
  });

  it('finds cancelled items by cancellation type and cancellationDate window', async () => {
    const from = '2026-01-01T00:00:00.000Z';
    const to = '2026-07-01T00:00:00.000Z';
    const seen: Json[] = [];
    for (const cancellationType of CANCELLATION_TYPES) {
      const { shipments } = await filterAll(base, token, {
        filter: { type: 'cancelled', states: ['CANCELLED'], cancellationType, cancellationDate: { from, to } },
      });
      seen.push(...shipments.flatMap((s) => s.orderItems));
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const item of seen) {
      expect(item.status).toBe('CANCELLED');
      expect(item.cancellationDate >= from && item.cancellationDate < to).toBe(true);
    }
    const s1 = store('s1-flipkart');
    const expected = [...sandbox.context.world.orders('s1-flipkart').all()].flatMap((o) =>
      flipkartTruthView(o, s1).sourceStatus.includes('CANCELLED') ? [o] : [],
    );
    const inWindow = new Set(seen.map((i) => i.orderId));
    for (const o of expected) {
      const cancelledAt = o.cancelledAt ?? o.placedAt; // a line cancelled on its own goes when the order is placed
      if (cancelledAt >= Date.parse(from) && cancelledAt < Date.parse(to)) {
        expect(inWindow.has(flipkartOrderId(s1, o))).toBe(true);
      }
    }
  });

  it('looks shipments up by up to 100 order ids, with every item of the order', async () => {
    const s1 = store('s1-flipkart');
    const orders = sandbox.context.world.orders('s1-flipkart');
    const multi = [...orders.all()].filter((o) => o.lines.length > 2).slice(0, 2);
    const ids = multi.map((o) => flipkartOrderId(s1, o));
    const res = await call(base, `/sellers/v3/shipments?orderIds=${[...ids, 'OD000000000000000000'].join(',')}`, {
      token,
    });
    expect(res.status).toBe(200);
    expect(res.body.shipments.map((s: Json) => s.orderItems[0].orderId)).toEqual(ids);
    expect(res.body.shipments.map((s: Json) => s.orderItems.length)).toEqual(multi.map((o) => o.lines.length));
    const tooMany = Array.from({ length: 101 }, (_, i) => `OD${String(i).padStart(18, '0')}`).join(',');
    const refused = await call(base, `/sellers/v3/shipments?orderIds=${tooMany}`, { token });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].severity).toBe('ERROR');
  });
});

describe('Flipkart sandbox: returns and listings', () => {
  let token: string;
  beforeAll(async () => {
    token = await selfToken(base, sandbox, 's1-flipkart');
  });

  async function returnsAll(source: string, root: '/sellers' | '/sellers/v2') {
    const items: Json[] = [];
    let page = await call(base, `/sellers/v2/returns?source=${source}&modifiedAfter=2020-01-01T00:00:00Z`, { token });
    for (;;) {
      expect(page.status).toBe(200);
      expect(page.body.returnItems.length).toBeLessThanOrEqual(25);
      items.push(...page.body.returnItems);
      if (!page.body.hasMore) break;
      expect(page.body.nextUrl).toMatch(/^\/returns\/search\//);
      page = await call(base, `${root}${page.body.nextUrl}`, { token });
    }
    return items;
  }

  it('pages customer and courier returns: every returned line once, matching the item states', async () => {
    const s1 = store('s1-flipkart');
    const customer = await returnsAll('customer_return', '/sellers/v2');
    const courier = await returnsAll('courier_return', '/sellers');
    expect(customer.length).toBeGreaterThan(25);
    expect(courier.length).toBeGreaterThan(0);
    for (const r of customer) expect(r.type).toBe('customer_return');
    for (const r of courier) expect(r.type).toBe('courier_return');
    const all = [...customer, ...courier];
    const expected = [...sandbox.context.world.orders('s1-flipkart').all()]
      .filter((o) => o.returnRequestedAt !== null)
      .map((o) => flipkartOrderItemId(s1, o, o.returnLine));
    expect(all.map((r) => r.orderItemId).sort()).toEqual(expected.sort());
    for (const r of all) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'returnId',
          'orderId',
          'orderItemId',
          'quantity',
          'createdDate',
          'updatedDate',
          'status',
          'type',
          'reason',
          'subReason',
        ]),
      );
      expect(r.createdDate).toMatch(/\+05:30$/);
    }
    const sample = all.slice(0, 10);
    const lookup = await call(base, `/sellers/v3/shipments?orderIds=${sample.map((r) => r.orderId).join(',')}`, {
      token,
    });
    const states = new Map<string, string>();
    for (const s of lookup.body.shipments) for (const i of s.orderItems) states.set(i.orderItemId, i.status);
    for (const r of sample) {
      expect(states.get(r.orderItemId)).toBe(r.status === 'completed' ? 'RETURNED' : 'RETURN_REQUESTED');
    }
    const noSource = await call(base, '/sellers/v2/returns?modifiedAfter=2020-01-01T00:00:00Z', { token });
    expect(noSource.status).toBe(400);
    expect(noSource.body.errors[0].path).toBe('source');
  });

  it('answers listings for up to 10 SKUs, matching what the order items say', async () => {
    const page = await filter(token, {
      filter: { type: 'postDispatch', states: ['DELIVERED'], orderDate: { from: '2026-06-01T00:00:00Z' } },
    });
    const item = (page.body.shipments as Json[])
      .flatMap((s) => s.orderItems)
      .find((i) => i.sku && i.sku.trim() === i.sku);
    const res = await call(base, `/sellers/listings/v3/${encodeURIComponent(item.sku)},NO-SUCH-SKU`, { token });
    expect(res.status).toBe(200);
    expect(res.body.unavailable).toEqual(['NO-SUCH-SKU']);
    const listing = res.body.available[item.sku];
    expect(listing).toMatchObject({ product_id: item.fsn, listing_id: item.listingId });
    expect(listing.price.currency).toBe('INR');
    expect(listing.price.selling_price).toBe(item.priceComponents.sellingPrice / item.quantity);
    expect(listing.price.mrp).toBeGreaterThan(listing.price.selling_price);
    expect(['ACTIVE', 'INACTIVE']).toContain(listing.listing_status);
    expect(listing.locations[0]).toMatchObject({ status: 'ENABLED' });

    const eleven = Array.from({ length: 11 }, (_, i) => `SKU-${i}`).join(',');
    const refused = await call(base, `/sellers/listings/v3/${eleven}`, { token });
    expect(refused.status).toBe(400);
  });
});

describe('Flipkart sandbox: faults and rate limits', () => {
  it('answers an injected 429 with Retry-After and a Flipkart error body', async () => {
    const token = await selfToken(base, sandbox, 's1-flipkart');
    sandbox.context.faults.apply({ 'flipkart/listings': { rate429: 0.3, retryAfterS: 2 } });
    try {
      const results = [];
      for (let i = 0; i < 30; i++) results.push(await call(base, '/sellers/listings/v3/ANY-SKU', { token }));
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      for (const r of limited) {
        expect(r.headers.get('retry-after')).toBe('2');
        expect(r.body.errors[0]).toMatchObject({ severity: 'ERROR', code: 429 });
      }
    } finally {
      sandbox.context.faults.clear();
    }
  });

  it('limits a burst beyond the bucket with 429 and a whole-second Retry-After when limits are on', async () => {
    const token = await selfToken(base, sandbox, 's2-flipkart');
    sandbox.context.limits.enabled = true;
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, () => call(base, '/sellers/listings/v3/ANY-SKU', { token })),
      );
      const limited = results.filter((r) => r.status === 429);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
      expect(limited.length).toBeGreaterThan(0);
      for (const r of limited) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited[0]?.body.errors[0]).toMatchObject({ code: 429 });
    } finally {
      sandbox.context.limits.enabled = false;
    }
  });
});

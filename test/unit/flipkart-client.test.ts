/** The Flipkart client against the Seller API mocked at the network layer (nock). */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { FlipkartClient, SHIPMENT_FILTERS } from '../../src/marketplaces/flipkart/flipkart-client.ts';
import type { OrderPage } from '../../src/marketplaces/marketplace-client.ts';
import { TokenManager } from '../../src/marketplaces/token-manager.ts';

const HOST = 'https://api.flipkart.test';
const NOW = Date.parse('2026-11-01T00:00:00Z');
const app = { appId: 'app', appSecret: 'secret', baseUrl: HOST };

const shipment = (orderId: string, n: number, status = 'DELIVERED', updatedAt = '2026-10-31T10:00:00.000Z') => ({
  shipmentId: `S-${orderId}-${n}`,
  updatedAt,
  orderItems: [
    {
      orderItemId: `${orderId}-${n}`,
      orderId,
      orderDate: '2026-10-30T10:00:00.000Z',
      cancellationDate: null,
      status,
      quantity: 1,
      sku: 'SKU-1',
      listingId: 'LST1',
      title: 'Kurta',
      priceComponents: { totalPrice: 499 },
    },
  ],
});

function client(refreshed: { calls: number } = { calls: 0 }) {
  const tokens = new TokenManager({
    marketplace: 'flipkart',
    tokens: { accessToken: 'old', refreshToken: 'r0', expiresAt: new Date(NOW + 30 * 86_400_000) },
    refresh: async () => {
      refreshed.calls++;
      return { accessToken: 'new', refreshToken: 'r0', expiresAt: new Date(Date.now() + 86_400_000) };
    },
    persist: async () => {},
  });
  return new FlipkartClient({
    app,
    tokens,
    now: () => NOW,
    backfillDays: 1,
    windowDays: 1,
    maxRatePerS: 1000,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
}

async function rows(pages: AsyncIterable<OrderPage>) {
  const out: OrderPage[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

afterEach(() => {
  nock.cleanAll();
});

describe('Flipkart client', () => {
  it('runs every filter over the window, follows nextPageUrl, and writes whole orders looked up by id', async () => {
    const bodies: any[] = [];
    const scope = nock(HOST)
      .post('/sellers/v3/shipments/filter', (b) => bodies.push(b) > 0)
      .reply(200, {
        hasMore: true,
        nextPageUrl: '/v3/shipments/filter?next_token=abc',
        shipments: [shipment('OD1', 1)],
      })
      .get('/sellers/v3/shipments/filter')
      .query({ next_token: 'abc' })
      .reply(200, { hasMore: false, nextPageUrl: null, shipments: [shipment('OD2', 1, 'SHIPPED')] })
      .post('/sellers/v3/shipments/filter', (b) => bodies.push(b) > 0)
      .times(SHIPMENT_FILTERS.length - 1)
      .reply(200, { hasMore: false, shipments: [] })
      .get('/sellers/v3/shipments')
      .query({ orderIds: 'OD1,OD2' })
      .reply(200, {
        shipments: [
          shipment('OD1', 1),
          shipment('OD1', 2, 'RETURNED', '2026-10-31T12:00:00.000Z'),
          shipment('OD2', 1, 'SHIPPED'),
        ],
      })
      // the page carries the listing of the SKU its items name, read once
      .get('/sellers/listings/v3/SKU-1')
      .reply(200, {
        available: {
          'SKU-1': {
            listing_id: 'LST1',
            listing_status: 'ACTIVE',
            price: { mrp: 999, selling_price: 499, currency: 'INR' },
            locations: [
              { id: 'L1', status: 'ENABLED', inventory: 4 },
              { id: 'L2', inventory: 3 },
            ],
          },
        },
        unavailable: [],
      });
    const pages = await rows(client().orders(undefined));
    expect(bodies.map((b) => b.filter.type)).toEqual(SHIPMENT_FILTERS.map((f) => f.type));
    expect(bodies[0].filter.modifiedDate).toEqual({ from: '2026-10-31T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' });
    const [page] = pages;
    expect(page?.rows.map((r) => [r.externalOrderId, r.items.length, r.sourceStatus, r.status])).toEqual([
      ['OD1', 2, 'DELIVERED+RETURNED', 'DELIVERED'],
      ['OD2', 1, 'SHIPPED', 'SHIPPED'],
    ]);
    expect(page?.cursor.updatedAt).toBe('2026-10-31T12:00:00.000Z');
    expect(page?.products).toEqual([
      expect.objectContaining({ externalId: 'LST1', sku: 'SKU-1', price: '499', inventory: 7, status: 'ACTIVE' }),
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('renews the token once on 401 and honours Retry-After on 429', async () => {
    const refreshed = { calls: 0 };
    const at: number[] = [];
    nock(HOST)
      .post('/sellers/v3/shipments/filter')
      .matchHeader('authorization', 'Bearer old')
      .reply(401, { error: 'invalid_token' })
      .post('/sellers/v3/shipments/filter', () => at.push(Date.now()) > 0)
      .matchHeader('authorization', 'Bearer new')
      .reply(429, {}, { 'Retry-After': '0.2' })
      .post('/sellers/v3/shipments/filter', () => at.push(Date.now()) > 0)
      .times(SHIPMENT_FILTERS.length)
      .reply(200, { hasMore: false, shipments: [] });
    const c = client(refreshed);
    expect(await rows(c.orders(undefined))).toEqual([]);
    expect(refreshed.calls).toBe(1);
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(200);
    expect(c.stats.throttled).toBe(1);
  });

  it('refreshes a token about to expire before the first request', async () => {
    const refreshed = { calls: 0 };
    const tokens = new TokenManager({
      marketplace: 'flipkart',
      tokens: { accessToken: 'old', refreshToken: 'r0', expiresAt: new Date(Date.now() + 60_000) },
      refresh: async () => {
        refreshed.calls++;
        return { accessToken: 'new', refreshToken: 'r0', expiresAt: new Date(Date.now() + 86_400_000) };
      },
      persist: async () => {},
    });
    const scope = nock(HOST)
      .post('/sellers/v3/shipments/filter')
      .matchHeader('authorization', 'Bearer new')
      .times(SHIPMENT_FILTERS.length)
      .reply(200, { hasMore: false, shipments: [] });
    const c = new FlipkartClient({ app, tokens, now: () => NOW, backfillDays: 1, windowDays: 1, maxRatePerS: 1000 });
    expect(await rows(c.orders(undefined))).toEqual([]);
    expect(refreshed.calls).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('quarantines an order whose items cannot be read, and keeps the rest', async () => {
    nock(HOST)
      .post('/sellers/v3/shipments/filter')
      .reply(200, { hasMore: false, shipments: [shipment('OD1', 1), shipment('OD2', 1)] })
      .post('/sellers/v3/shipments/filter')
      .times(SHIPMENT_FILTERS.length - 1)
      .reply(200, { hasMore: false, shipments: [] })
      .get('/sellers/v3/shipments')
      .query(true)
      .reply(200, {
        shipments: [
          shipment('OD1', 1),
          { ...shipment('OD2', 1), orderItems: [{ ...shipment('OD2', 1).orderItems[0], quantity: 'one' }] },
        ],
      })
      .get('/sellers/listings/v3/SKU-1')
      .reply(200, { available: {}, unavailable: ['SKU-1'] });
    const [page] = await rows(client().orders(undefined));
    expect(page?.rows.map((r) => r.externalOrderId)).toEqual(['OD1']);
    expect(page?.quarantined).toMatchObject([{ externalId: 'OD2', reason: expect.stringMatching(/quantity/) }]);
  });

  it('reads completed returns of both sources, following nextUrl; the cursor moves at the end', async () => {
    const ret = (n: number, status: string) => ({
      returnId: `R${n}`,
      orderId: `OD${n}`,
      orderItemId: `OD${n}-1`,
      quantity: 1,
      status,
      updatedDate: `2026-10-31T1${n}:00:00+05:30`,
    });
    nock(HOST)
      .get('/sellers/v2/returns')
      .query((q) => q.source === 'customer_return' && typeof q.modifiedAfter === 'string')
      .reply(200, {
        hasMore: true,
        nextUrl: '/returns/search/t1',
        returnItems: [ret(1, 'completed'), ret(2, 'created')],
      })
      .get('/sellers/returns/search/t1')
      .reply(200, { hasMore: false, nextUrl: null, returnItems: [ret(3, 'completed')] })
      .get('/sellers/v2/returns')
      .query((q) => q.source === 'courier_return')
      .reply(200, { hasMore: false, returnItems: [ret(4, 'completed'), { orderId: 'OD5' }] });
    const pages = [];
    for await (const p of client().returns(undefined)) pages.push(p);
    expect(pages.flatMap((p) => p.rows.map((r) => [r.externalOrderId, r.externalItemId, r.quantity]))).toEqual([
      ['OD1', 'OD1-1', 1],
      ['OD3', 'OD3-1', 1],
      ['OD4', 'OD4-1', 1],
    ]);
    expect(pages.flatMap((p) => p.quarantined)).toHaveLength(1);
    expect(pages.slice(0, -1).every((p) => p.cursor.updatedAt === undefined)).toBe(true);
    expect(pages.at(-1)?.cursor.updatedAt).toBe('2026-10-31T08:30:00.000Z');
  });
});

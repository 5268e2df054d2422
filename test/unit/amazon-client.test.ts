/** The Amazon client against SP-API mocked at the network layer (nock). */
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AmazonApp } from '../../src/marketplaces/amazon/amazon-app.ts';
import { AmazonClient, type AmazonClientOptions } from '../../src/marketplaces/amazon/amazon-client.ts';
import type { OrderPage, Page } from '../../src/marketplaces/marketplace-client.ts';
import { TokenBucketPacer } from '../../src/marketplaces/token-bucket-pacer.ts';
import { TokenManager } from '../../src/marketplaces/token-manager.ts';
import type { ProductRow, ReturnRow } from '../../src/sync/unified-rows.ts';

const HOST = 'https://sellingpartnerapi-na.amazon.test';
const FILES = 'https://tortuga-prod-na.s3.amazon.test';
const NOW = Date.parse('2026-11-01T00:00:00Z');
const MARKETPLACE = 'ATVPDKIKX0DER';
const SELLER = 'A1SELLER';
const app: AmazonApp = {
  applicationId: 'app',
  clientId: 'c',
  clientSecret: 's',
  lwaBaseUrl: HOST,
  spApiUrl: () => HOST,
  consentUrl: () => HOST,
};
const REPORTS = '/reports/2021-06-30/reports';
const SEARCH = '/orders/2026-01-01/orders';
const EXPIRED = {
  errors: [
    {
      code: 'Unauthorized',
      message: 'Access to requested resource is denied.',
      details: 'The access token you provided has expired.',
    },
  ],
};

function client(
  options: Partial<AmazonClientOptions> = {},
  token: { expiresAt?: Date; refreshed?: { calls: number } } = {},
) {
  const tokens = new TokenManager({
    marketplace: 'amazon',
    tokens: {
      accessToken: 'old',
      refreshToken: 'Atzr|r',
      expiresAt: token.expiresAt ?? new Date(NOW + 86_400_000 * 365),
    },
    refresh: async () => {
      if (token.refreshed) token.refreshed.calls++;
      return { accessToken: 'new', refreshToken: 'Atzr|r', expiresAt: new Date(Date.now() + 3_600_000) };
    },
    persist: async () => {},
  });
  return new AmazonClient({
    app,
    marketplaceId: MARKETPLACE,
    sellerId: SELLER,
    tokens,
    now: () => NOW,
    backfillDays: 20,
    rateScale: 1e6,
    reportPollMs: 1,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

async function all<P>(pages: AsyncIterable<P>): Promise<P[]> {
  const out: P[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

const ORDER_HEADER = [
  'amazon-order-id',
  'merchant-order-id',
  'purchase-date',
  'last-updated-date',
  'order-status',
  'fulfillment-channel',
  'sales-channel',
  'product-name',
  'sku',
  'asin',
  'item-status',
  'quantity',
  'currency',
  'item-price',
  'ship-city',
  'ship-postal-code',
];

function orderRow(orderId: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    'amazon-order-id': orderId,
    'purchase-date': '2026-10-20T10:00:00+00:00',
    'last-updated-date': '2026-10-25T10:00:00+00:00',
    'order-status': 'Shipped',
    'fulfillment-channel': 'Amazon',
    'sales-channel': 'Amazon.com',
    'product-name': 'Linen shirt',
    sku: 'SKU-1',
    asin: 'B0ASIN0001',
    'item-status': 'Shipped',
    quantity: '1',
    currency: 'USD',
    'item-price': '25.00',
    'ship-city': 'Springfield',
    'ship-postal-code': '12345',
    ...over,
  };
}

function tsv(header: string[], rows: Record<string, string>[]): Buffer {
  const lines = [header.join('\t'), ...rows.map((r) => header.map((h) => r[h] ?? '').join('\t'))];
  return gzipSync(`${lines.join('\n')}\n`);
}

interface ReportMock {
  reportId: string;
  type?: string;
  states?: string[];
  file?: Buffer;
  dataEndTime?: string;
}

/** createReport → getReport through `states` → document → the gzipped file (no token sent there). */
function mockReport(scope: nock.Scope, r: ReportMock) {
  const states = r.states ?? ['IN_QUEUE', 'IN_PROGRESS', 'DONE'];
  const window = { dataStartTime: '2026-10-12T00:00:00Z', dataEndTime: r.dataEndTime ?? '2026-10-31T23:59:00Z' };
  scope
    .post(REPORTS, (body) => (r.type ? body.reportType === r.type : true) && body.marketplaceIds[0] === MARKETPLACE)
    .reply(202, { reportId: r.reportId });
  mockPolls(scope, r.reportId, states, window);
  if (states.at(-1) === 'DONE') mockDocument(scope, r.reportId, r.file ?? tsv(ORDER_HEADER, []));
}

function mockPolls(scope: nock.Scope, reportId: string, states: string[], window: object) {
  for (const state of states) {
    scope.get(`${REPORTS}/${reportId}`).reply(200, {
      reportId,
      processingStatus: state,
      ...window,
      ...(state === 'DONE' || state === 'FATAL' ? { reportDocumentId: `doc-${reportId}` } : {}),
    });
  }
}

function mockDocument(scope: nock.Scope, reportId: string, file: Buffer) {
  scope.get(`/reports/2021-06-30/documents/doc-${reportId}`).reply(200, {
    reportDocumentId: `doc-${reportId}`,
    url: `${FILES}/doc-${reportId}?X-Amz-Signature=abc`,
    compressionAlgorithm: 'GZIP',
  });
  nock(FILES, { badheaders: ['x-amz-access-token'] })
    .get(`/doc-${reportId}`)
    .query(true)
    .reply(200, file);
}

/** The pre-orders search a report read starts with. */
function mockPreorders(scope: nock.Scope, orders: unknown[] = []) {
  scope
    .get(SEARCH)
    .query((q) => q.fulfillmentStatuses === 'PENDING_AVAILABILITY')
    .reply(200, { orders, lastUpdatedBefore: '2026-10-31T23:58:00Z' });
}

/** The catalog the orders' SKUs are looked up in: nothing listed unless given. */
function mockCatalog(scope: nock.Scope, listings: Record<string, object | undefined>, inventory: object[] = []) {
  scope
    .get('/fba/inventory/v1/summaries')
    .query(true)
    .reply(200, { payload: { inventorySummaries: inventory } });
  mockListings(scope, listings);
}

/** One Listings Items answer per SKU; undefined: not listed (404). */
function mockListings(scope: nock.Scope, listings: Record<string, object | undefined>) {
  for (const [sku, listing] of Object.entries(listings)) {
    scope
      .get(`/listings/2021-08-01/items/${SELLER}/${encodeURIComponent(sku)}`)
      .query((q) => q.marketplaceIds === MARKETPLACE)
      .reply(listing ? 200 : 404, listing ?? { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
  }
}

function apiOrder(orderId: string, over: Record<string, unknown> = {}) {
  return {
    orderId,
    createdTime: '2026-10-30T08:00:00Z',
    lastUpdatedTime: '2026-10-31T09:00:00Z',
    salesChannel: { marketplaceId: MARKETPLACE },
    fulfillment: { fulfillmentStatus: 'UNSHIPPED', fulfilledBy: 'MERCHANT' },
    orderItems: [
      {
        orderItemId: `${orderId}-1`,
        quantityOrdered: 2,
        product: {
          asin: 'B0ASIN0001',
          sellerSku: 'SKU-1',
          title: 'Linen shirt',
          price: { unitPrice: { amount: '12.50', currencyCode: 'USD' } },
        },
      },
    ],
    ...over,
  };
}

afterEach(() => {
  nock.cleanAll();
});

describe('Amazon client: orders from reports', () => {
  it('polls a report through IN_QUEUE and IN_PROGRESS to DONE and reads whole orders from its gzipped rows', async () => {
    const scope = nock(HOST);
    mockPreorders(scope, [
      apiOrder('113-0000003', {
        lastUpdatedTime: '2026-10-26T00:00:00Z',
        fulfillment: { fulfillmentStatus: 'PENDING_AVAILABILITY', fulfilledBy: 'AMAZON' },
      }),
    ]);
    mockReport(scope, {
      reportId: 'R1',
      file: tsv(ORDER_HEADER, [
        orderRow('113-0000001'),
        orderRow('113-0000001', { sku: 'SKU-2', asin: 'B0ASIN0002', quantity: '2', 'item-price': '30.00' }),
        orderRow('113-0000002', {
          'order-status': 'Shipped - Delivered to Buyer',
          'fulfillment-channel': 'Merchant',
        }),
        orderRow('113-0000003', { 'order-status': 'Pending', 'item-status': 'Unshipped' }),
      ]),
    });
    mockCatalog(scope, {
      'SKU-1': { sku: 'SKU-1', summaries: [{ itemName: 'Linen shirt', status: ['BUYABLE'] }] },
      'SKU-2': undefined,
    });
    const pages = await all(client().orders(undefined));
    const rows = pages.flatMap((p) => p.rows);
    expect(rows.map((r) => [r.externalOrderId, r.items.length, r.totalAmount, r.status, r.sourceStatus])).toEqual([
      ['113-0000001', 2, '55.00', 'SHIPPED', 'SHIPPED'],
      ['113-0000002', 1, '25.00', 'DELIVERED', 'SHIPPED'],
      // the report reads a pre-order as Pending; searchOrders knows better
      ['113-0000003', 1, '25.00', 'PENDING', 'PENDING_AVAILABILITY'],
    ]);
    expect(rows[0]?.items.map((i) => [i.externalItemId, i.quantity, i.unitPrice])).toEqual([
      ['SKU-1', 1, '25.0000'],
      ['SKU-2', 2, '15.0000'],
    ]);
    // no buyer data is kept
    expect(JSON.stringify(rows)).not.toMatch(/Springfield|12345/);
    expect(pages.at(-1)?.cursor).toEqual({ updatedAt: '2026-10-31T23:59:00Z' });
    // the listings of the SKUs named ride with the page that names them
    expect(pages.flatMap((p) => p.products ?? []).map((p) => [p.sku, p.status])).toEqual([['SKU-1', 'ACTIVE']]);
    expect(scope.isDone()).toBe(true);
  });

  it('a CANCELLED report (no data in its window) reads nothing and still moves the cursor', async () => {
    const scope = nock(HOST);
    mockPreorders(scope);
    mockReport(scope, { reportId: 'R2', states: ['IN_QUEUE', 'CANCELLED'] });
    const pages = await all(client().orders(undefined));
    expect(pages.flatMap((p) => p.rows)).toEqual([]);
    expect(pages.at(-1)?.cursor).toEqual({ updatedAt: '2026-10-31T23:59:00Z' });
    expect(scope.isDone()).toBe(true);
  });

  it('a FATAL report fails the read as temporary with Amazon’s details, and the cursor stays', async () => {
    const scope = nock(HOST);
    mockPreorders(scope);
    mockReport(scope, { reportId: 'R3', states: ['IN_PROGRESS', 'FATAL'] });
    mockDocument(scope, 'R3', gzipSync(JSON.stringify({ errorDetails: 'Report processing failed.' })));
    const seen: OrderPage[] = [];
    const read = async () => {
      for await (const p of client().orders(undefined)) seen.push(p);
    };
    await expect(read()).rejects.toMatchObject({ kind: 'temporary', message: /FATAL.*processing failed/ });
    expect(seen).toEqual([]);
  });

  it('quarantines rows it cannot read, with the reason, and loads the other orders', async () => {
    const scope = nock(HOST);
    mockPreorders(scope);
    mockReport(scope, {
      reportId: 'R4',
      file: tsv(ORDER_HEADER, [
        orderRow('113-0000010', { 'purchase-date': 'yesterday' }),
        orderRow('113-0000011', { quantity: 'two' }),
        orderRow('113-0000012', { 'order-status': 'Teleported' }),
        orderRow('113-0000013'),
      ]),
    });
    mockCatalog(scope, { 'SKU-1': undefined });
    const pages = await all(client().orders(undefined));
    expect(pages.flatMap((p) => p.rows).map((r) => r.externalOrderId)).toEqual(['113-0000013']);
    expect(pages.flatMap((p) => p.quarantined).map((q) => [q.externalId, q.reason])).toEqual([
      ['113-0000010', expect.stringMatching(/purchase-date/)],
      ['113-0000011', expect.stringMatching(/quantity/)],
      ['113-0000012', 'unknown order status TELEPORTED'],
    ]);
  });

  it('cuts a report into pages whose cursor names the report; a stopped read resumes inside it', async () => {
    const file = tsv(
      ORDER_HEADER,
      [1, 2, 3, 4, 5].map((n) => orderRow(`113-000002${n}`, { sku: '' })),
    );
    const scope = nock(HOST);
    mockPreorders(scope);
    mockReport(scope, { reportId: 'R5', file });
    const pages = await all(client({ pageSize: 2 }).orders(undefined));
    expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 1]);
    expect(JSON.parse(pages[0]?.cursor.position ?? '{}')).toEqual({ reportId: 'R5', orders: 2 });
    expect(pages[0]?.cursor.updatedAt).toBeUndefined();

    // resume after the first page: the same report, its first 2 orders skipped
    const again = nock(HOST);
    mockPreorders(again);
    mockPolls(again, 'R5', ['DONE'], { dataStartTime: '2026-10-12T00:00:00Z', dataEndTime: '2026-10-31T23:59:00Z' });
    mockDocument(again, 'R5', file);
    // then the rest of the history from the report's end
    mockReport(again, { reportId: 'R6', states: ['CANCELLED'], dataEndTime: '2026-11-01T00:00:00Z' });
    const resumed = await all(client({ pageSize: 2 }).orders(pages[0]?.cursor));
    expect(resumed.flatMap((p) => p.rows).map((r) => r.externalOrderId)).toEqual([
      '113-0000023',
      '113-0000024',
      '113-0000025',
    ]);
    expect(resumed.at(-1)?.cursor).toEqual({ updatedAt: '2026-11-01T00:00:00Z' });
    expect(again.isDone()).toBe(true);
  });
});

describe('Amazon client: deltas from searchOrders', () => {
  const cursor = { updatedAt: '2026-10-30T00:00:00Z', committedAt: new Date(NOW).toISOString() };

  it('pages by paginationToken from the cursor minus the overlap; the last page’s bound is the cursor', async () => {
    const asked = new Map<string, Record<string, string>>();
    // nock may try a request against several interceptors: keep each distinct query once
    const ask = (q: Record<string, unknown>) => {
      if (q.lastUpdatedAfter) asked.set(JSON.stringify(q), q as Record<string, string>);
      return q;
    };
    const scope = nock(HOST)
      .get(SEARCH)
      .query((q) => !ask(q).paginationToken && q.lastUpdatedAfter !== undefined)
      .reply(200, {
        orders: [apiOrder('113-1'), { orderId: '113-2', createdTime: 'x' }],
        pagination: { nextToken: 'T2' },
      })
      .get(SEARCH)
      .query((q) => ask(q).paginationToken === 'T2')
      .reply(200, {
        orders: [
          apiOrder('113-3', {
            fulfillment: { fulfillmentStatus: 'SHIPPED', fulfilledBy: 'MERCHANT' },
            packages: [{ packageStatus: { status: 'DELIVERED' } }],
          }),
        ],
        lastUpdatedBefore: '2026-10-31T23:58:00Z',
      });
    mockCatalog(scope, { 'SKU-1': undefined });
    const pages = await all(client().orders(cursor));
    const queries = [...asked.values()];
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatchObject({
      marketplaceIds: MARKETPLACE,
      lastUpdatedAfter: '2026-10-29T23:50:00Z',
      includedData: 'FULFILLMENT,PROCEEDS,PACKAGES',
      maxResultsPerPage: '100',
    });
    expect(queries[0]?.includedData).not.toMatch(/BUYER|RECIPIENT/);
    expect(queries[1]).toMatchObject({ lastUpdatedAfter: '2026-10-29T23:50:00Z', paginationToken: 'T2' });
    expect(pages.flatMap((p) => p.rows).map((r) => [r.externalOrderId, r.status, r.totalAmount])).toEqual([
      ['113-1', 'CONFIRMED', '25.00'],
      ['113-3', 'DELIVERED', '25.00'],
    ]);
    expect(pages.flatMap((p) => p.quarantined).map((q) => q.externalId)).toEqual(['113-2']);
    expect(pages[0]?.cursor).toBe(cursor);
    expect(pages.at(-1)?.cursor).toEqual({ updatedAt: '2026-10-31T23:58:00.000Z' });
  });

  it('on 403 for an expired token (and on 401) refreshes once and retries with the new token', async () => {
    const refreshed = { calls: 0 };
    const scope = nock(HOST)
      .get(SEARCH)
      .query(true)
      .matchHeader('x-amz-access-token', 'old')
      .reply(403, EXPIRED)
      .get(SEARCH)
      .query(true)
      .matchHeader('x-amz-access-token', 'new')
      .reply(200, { orders: [], lastUpdatedBefore: '2026-10-31T23:58:00Z' });
    const c = client({}, { refreshed });
    await all(c.orders(cursor));
    expect(refreshed.calls).toBe(1);
    expect(scope.isDone()).toBe(true);

    const again = { calls: 0 };
    nock(HOST)
      .get(SEARCH)
      .query(true)
      .matchHeader('x-amz-access-token', 'old')
      .reply(401, {})
      .get(SEARCH)
      .query(true)
      .matchHeader('x-amz-access-token', 'new')
      .reply(200, { orders: [], lastUpdatedBefore: '2026-10-31T23:58:00Z' });
    await all(client({}, { refreshed: again }).orders(cursor));
    expect(again.calls).toBe(1);
  });

  it('a 403 that is not about the token is not a refresh: it fails as auth_revoked', async () => {
    const refreshed = { calls: 0 };
    nock(HOST)
      .get(SEARCH)
      .query(true)
      .reply(403, {
        errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }],
      });
    await expect(all(client({}, { refreshed }).orders(cursor))).rejects.toMatchObject({ kind: 'auth_revoked' });
    expect(refreshed.calls).toBe(0);
  });

  it('refreshes a token about to expire before the first request', async () => {
    const refreshed = { calls: 0 };
    const scope = nock(HOST)
      .get(SEARCH)
      .query(true)
      .matchHeader('x-amz-access-token', 'new')
      .reply(200, { orders: [], lastUpdatedBefore: '2026-10-31T23:58:00Z' });
    await all(client({}, { refreshed, expiresAt: new Date(Date.now() + 60_000) }).orders(cursor));
    expect(refreshed.calls).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('sends nothing before Retry-After expires on 429, backs off without it, and retries 5xx', async () => {
    const at: number[] = [];
    const stamp = () => at.push(Date.now()) > 0;
    nock(HOST)
      .get(SEARCH)
      .query(stamp)
      .reply(429, { errors: [{ code: 'QuotaExceeded' }] }, { 'Retry-After': '0.3' })
      .get(SEARCH)
      .query(stamp)
      .reply(429, { errors: [{ code: 'QuotaExceeded' }] })
      .get(SEARCH)
      .query(stamp)
      .reply(503, { errors: [{ code: 'ServiceUnavailable' }] })
      .get(SEARCH)
      .query(stamp)
      .reply(200, { orders: [], lastUpdatedBefore: '2026-10-31T23:58:00Z' });
    const c = client();
    const pages = await all(c.orders(cursor));
    expect(pages.at(-1)?.cursor.updatedAt).toBe('2026-10-31T23:58:00.000Z');
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(300);
    expect(at).toHaveLength(4);
    expect(c.stats).toMatchObject({ throttled: 2, retries: 3 });
  });
});

describe('Amazon client: returns and products', () => {
  it('reads the merchant and FBA returns reports: units per order item (ASIN without a SKU), summed', async () => {
    const merchant = [
      'Order ID',
      'Order date',
      'Return request date',
      'Return request status',
      'ASIN',
      'Merchant SKU',
      'Return quantity',
    ];
    const fba = ['return-date', 'order-id', 'sku', 'asin', 'fnsku', 'quantity', 'status'];
    const scope = nock(HOST);
    mockReport(scope, {
      reportId: 'M1',
      type: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE',
      file: tsv(merchant, [
        {
          'Order ID': '113-5',
          'Return request date': '2026-10-28T00:00:00+00:00',
          'Return request status': 'Approved',
          ASIN: 'B0ASIN0005',
          'Merchant SKU': 'SKU-5',
          'Return quantity': '1',
        },
        { 'Order ID': '113-6', 'Return request date': 'soon', 'Return quantity': '1' },
      ]),
    });
    mockReport(scope, {
      reportId: 'F1',
      type: 'GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA',
      file: tsv(fba, [
        {
          'return-date': '2026-10-27T00:00:00+00:00',
          'order-id': '113-7',
          sku: '',
          asin: 'B0ASIN0007',
          quantity: '1',
          status: 'Unit returned to inventory',
        },
        {
          'return-date': '2026-10-29T00:00:00+00:00',
          'order-id': '113-7',
          sku: '',
          asin: 'B0ASIN0007',
          quantity: '2',
          status: 'Unit returned to inventory',
        },
      ]),
    });
    const pages: Page<ReturnRow>[] = await all(client().returns(undefined));
    expect(pages.flatMap((p) => p.rows).map((r) => [r.externalOrderId, r.externalItemId, r.quantity])).toEqual([
      ['113-5', 'SKU-5', 1],
      ['113-7', 'B0ASIN0007', 3],
    ]);
    expect(pages.flatMap((p) => p.quarantined).map((q) => q.externalId)).toEqual(['113-6']);
    expect(pages.at(-1)?.cursor).toEqual({ updatedAt: '2026-10-31T23:59:00.000Z' });
    expect(scope.isDone()).toBe(true);
  });

  it('reads the listings of the known SKUs with FBA quantities (paged), merchant quantities, prices; a 404 SKU has no row', async () => {
    const listings: Record<string, object | undefined> = {
      'FBA-2': {
        sku: 'FBA-2',
        summaries: [{ itemName: 'Kurta', productType: 'SHIRT', status: ['BUYABLE', 'DISCOVERABLE'] }],
        offers: [{ price: { amount: '19.99', currencyCode: 'USD' } }],
        fulfillmentAvailability: [{ fulfillmentChannelCode: 'AMAZON_NA' }],
      },
      'FBM-1': {
        sku: 'FBM-1',
        summaries: [{ itemName: 'Mug', status: [] }],
        offers: [{ price: { amount: '8.00', currencyCode: 'USD' } }],
        fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 7 }],
      },
    };
    const scope = nock(HOST)
      .get('/fba/inventory/v1/summaries')
      .query((q) => q.granularityType === 'Marketplace' && q.granularityId === MARKETPLACE && !q.nextToken)
      .reply(200, {
        payload: { inventorySummaries: [{ sellerSku: 'FBA-1', totalQuantity: 40 }] },
        pagination: { nextToken: 'N2' },
      })
      .get('/fba/inventory/v1/summaries')
      .query((q) => q.nextToken === 'N2')
      .reply(200, { payload: { inventorySummaries: [{ sellerSku: 'FBA-2', totalQuantity: 2 }] } });
    mockListings(scope, { ...listings, 'GONE-1': undefined });
    const known = ['FBA-2', 'FBM-1', 'GONE-1'].map((sku) => ({ sku, title: `t ${sku}` }));
    const pages: Page<ProductRow>[] = await all(client().products(undefined, { knownSkus: async () => known }));
    expect(
      pages.flatMap((p) => p.rows).map((p) => [p.externalId, p.title, p.price, p.inventory, p.status, p.category]),
    ).toEqual([
      ['FBA-2', 'Kurta', '19.99', 2, 'ACTIVE', 'SHIRT'],
      ['FBM-1', 'Mug', '8.00', 7, 'INACTIVE', null],
    ]);
    expect(scope.isDone()).toBe(true);
  });
});

describe('TokenBucketPacer', () => {
  it('lets the burst through at once, then one request per 1/rate; adopts the rate the API states', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new TokenBucketPacer(2, 3, { now: () => now, rateHeader: 'x-amzn-RateLimit-Limit' });
    const timed = async () => {
      const start = Date.now();
      await pacer.acquire();
      waits.push(Date.now() - start);
    };
    for (let i = 0; i < 3; i++) await timed();
    expect(waits.every((w) => w < 50)).toBe(true);
    // the fourth waits for half a second's refill
    await timed();
    expect(waits[3]).toBeGreaterThanOrEqual(450);
    now += 10_000; // the bucket refills to its burst
    pacer.succeeded({ 'x-amzn-ratelimit-limit': '20' });
    expect(pacer.rate).toBe(20);
    pacer.throttled(); // a 429: the server's bucket is empty
    const start = Date.now();
    await pacer.acquire();
    expect(Date.now() - start).toBeGreaterThanOrEqual(40);
  });
});

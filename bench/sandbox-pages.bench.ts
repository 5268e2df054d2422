/**
 * How fast the sandbox serves what the sync engine reads, from another process:
 * Shopify GraphQL order pages (40 orders with line items: what fits the 1,000-point
 * query cost) and a bulk-operation JSONL export of a whole store.
 * Options: --orders (per store, default 100000), --pages (default 200).
 */
import type { Bench } from './run.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';

const SHOP = 'indigo-loom.myshopify.com';
const PAGE = `query($after: String) { orders(first: 40, after: $after, sortKey: UPDATED_AT) {
  pageInfo { hasNextPage endCursor }
  nodes { id name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus returnStatus
    totalPriceSet { shopMoney { amount currencyCode } }
    lineItems(first: 5) { nodes { id sku quantity originalUnitPriceSet { shopMoney { amount currencyCode } } } } } } }`;

const bench: Bench = async (options) => {
  const orders = Number(options.orders ?? 100_000);
  const pages = Number(options.pages ?? 200);
  const sandbox = await startSandboxProcess(['--orders', String(orders), '--no-limits', '--start', '2026-11-01']);
  try {
    const stores = (await (await fetch(`${sandbox.base}/_sandbox/stores`)).json()) as {
      apps: { shopify: { clientId: string; clientSecret: string } };
    };
    const { clientId, clientSecret } = stores.apps.shopify;
    const auth = await fetch(
      `${sandbox.base}/shopify/${SHOP}/admin/oauth/authorize?client_id=${clientId}&redirect_uri=http://127.0.0.1/cb&state=b`,
      { redirect: 'manual' },
    );
    const code = new URL(auth.headers.get('location') ?? '').searchParams.get('code');
    const token = (
      (await (
        await fetch(`${sandbox.base}/shopify/${SHOP}/admin/oauth/access_token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, code }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      (await (
        await fetch(`${sandbox.base}/shopify/${SHOP}/admin/api/2026-01/graphql.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as any;

    let t = performance.now();
    await gql(PAGE); // builds the store's index
    const firstPageMs = performance.now() - t;
    process.stderr.write(`first page (index build) ${firstPageMs.toFixed(0)} ms\n`);

    const latencies: number[] = [];
    let after: string | null = null;
    let served = 0;
    t = performance.now();
    for (let p = 0; p < pages; p++) {
      const s = performance.now();
      const body = await gql(PAGE, { after });
      latencies.push(performance.now() - s);
      served += body.data.orders.nodes.length;
      after = body.data.orders.pageInfo.endCursor;
    }
    const pageSeconds = (performance.now() - t) / 1000;
    latencies.sort((a, b) => a - b);
    process.stderr.write(`graphql: ${pages} pages in ${pageSeconds.toFixed(2)} s\n`);

    await gql(
      'mutation { bulkOperationRunQuery(query: """{ orders { edges { node { id name createdAt updatedAt displayFinancialStatus displayFulfillmentStatus totalPriceSet { shopMoney { amount currencyCode } } lineItems { edges { node { id sku quantity originalUnitPriceSet { shopMoney { amount } } } } } } } } }""") { bulkOperation { id } } }',
    );
    let op: any;
    do op = (await gql('{ currentBulkOperation { status url } }')).data.currentBulkOperation;
    while (op.status !== 'COMPLETED');
    t = performance.now();
    const res = await fetch(op.url);
    let bytes = 0;
    let lines = 0;
    let orderLines = 0;
    let rest = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = parts.pop() ?? '';
      lines += parts.length;
      for (const line of parts) if (!line.includes('"__parentId"')) orderLines++;
    }
    const bulkSeconds = (performance.now() - t) / 1000;
    process.stderr.write(
      `bulk: ${orderLines} orders, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${bulkSeconds.toFixed(2)} s\n`,
    );
    const flipkart = await flipkartPages(sandbox.base, pages);
    process.stderr.write(
      `flipkart: ${flipkart.pages} pages, ${flipkart.items} items in ${flipkart.seconds.toFixed(2)} s\n`,
    );
    const amazon = await amazonReport(sandbox.base);
    process.stderr.write(
      `amazon report: ${amazon.rows} rows in ${amazon.seconds.toFixed(2)} s (request to download)\n`,
    );
    return {
      params: { orders_per_store: orders, pages, page_size: 40, flipkart_page_size: 20 },
      metrics: {
        graphql_pages_per_s: Math.round(pages / pageSeconds),
        graphql_orders_per_s: Math.round(served / pageSeconds),
        graphql_page_p50_ms: Number((latencies[Math.floor(latencies.length / 2)] ?? 0).toFixed(2)),
        graphql_page_p95_ms: Number((latencies[Math.floor(latencies.length * 0.95)] ?? 0).toFixed(2)),
        first_page_ms: Math.round(firstPageMs),
        bulk_orders_per_s: Math.round(orderLines / bulkSeconds),
        bulk_mb_per_s: Number((bytes / 1e6 / bulkSeconds).toFixed(1)),
        bulk_orders: orderLines,
        flipkart_pages_per_s: Math.round(flipkart.pages / flipkart.seconds),
        flipkart_items_per_s: Math.round(flipkart.items / flipkart.seconds),
        amazon_report_rows_per_s: Math.round(amazon.rows / amazon.seconds),
        amazon_report_rows: amazon.rows,
      },
    };
  } finally {
    await sandbox.stop();
  }
};

export default bench;

/** Post-dispatch shipments of one Flipkart store, 20 a page, following nextPageUrl. */
async function flipkartPages(base: string, pages: number) {
  const stores = (await (await fetch(`${base}/_sandbox/stores`)).json()) as any;
  const store = stores.stores.find((x: any) => x.key === 's1-flipkart');
  const basic = Buffer.from(`${store.selfAccess.appId}:${store.selfAccess.appSecret}`).toString('base64');
  const token = (
    (await (
      await fetch(`${base}/flipkart/oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api`, {
        headers: { authorization: `Basic ${basic}` },
      })
    ).json()) as any
  ).access_token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const filter = {
    filter: {
      type: 'postDispatch',
      states: ['SHIPPED', 'DELIVERED', 'PICKUP_COMPLETE'],
      modifiedDate: { from: '2020-01-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
    },
    pagination: { pageSize: 20 },
  };
  let body = (await (
    await fetch(`${base}/flipkart/sellers/v3/shipments/filter`, {
      method: 'POST',
      headers,
      body: JSON.stringify(filter),
    })
  ).json()) as any;
  let served = 1;
  let items = 0;
  const t = performance.now();
  while (body.hasMore && served < pages) {
    body = (await (await fetch(`${base}/flipkart/sellers${body.nextPageUrl}`, { headers })).json()) as any;
    for (const shipment of body.shipments) items += shipment.orderItems.length;
    served++;
  }
  return { pages: served - 1, items, seconds: (performance.now() - t) / 1000 };
}

/** The whole history of one Amazon store as a GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL report. */
async function amazonReport(base: string) {
  const { gunzipSync } = await import('node:zlib');
  const stores = (await (await fetch(`${base}/_sandbox/stores`)).json()) as any;
  const app = stores.apps.amazon;
  const consent = await fetch(
    `${base}/amazon/apps/authorize/consent?application_id=${app.applicationId}&state=b&redirect_uri=${encodeURIComponent('http://127.0.0.1/cb')}&seller=s1-amazon`,
    { redirect: 'manual' },
  );
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('spapi_oauth_code') ?? '';
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'http://127.0.0.1/cb',
    client_id: app.clientId,
    client_secret: app.clientSecret,
  });
  const token = ((await (await fetch(`${base}/amazon/auth/o2/token`, { method: 'POST', body: form })).json()) as any)
    .access_token;
  const headers = { 'x-amz-access-token': token, 'content-type': 'application/json' };
  const t = performance.now();
  const { reportId } = (await (
    await fetch(`${base}/amazon/reports/2021-06-30/reports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
        marketplaceIds: ['ATVPDKIKX0DER'],
        dataStartTime: '2020-01-01T00:00:00Z',
        dataEndTime: '2026-10-31T00:00:00Z',
      }),
    })
  ).json()) as any;
  let report: any;
  do report = await (await fetch(`${base}/amazon/reports/2021-06-30/reports/${reportId}`, { headers })).json();
  while (report.processingStatus !== 'DONE');
  const doc = (await (
    await fetch(`${base}/amazon/reports/2021-06-30/documents/${report.reportDocumentId}`, { headers })
  ).json()) as any;
  const text = gunzipSync(Buffer.from(await (await fetch(doc.url)).arrayBuffer())).toString('utf8');
  const rows = text.split('\n').filter(Boolean).length - 1;
  return { rows, seconds: (performance.now() - t) / 1000 };
}

/**
 * RELIABILITY I1: a 10 MB body, and JSON nested far deeper than any real payload, sent
 * to every route that takes a body. Each is refused (413 for the size, before it is
 * read) without a stack overflow, nothing is stored, and the service answers after.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { closePool } from '../../src/db/pool.ts';
import { mockSlackApi, slackEnv, slackSignature, startWebService } from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { mockTwilioApi, twilioEnv } from '../support/twilio.ts';
import { twilioSignature } from '../support/twilio-payloads.ts';

const SHOPIFY_SECRET = 'test-shopify-secret';
const CRON_SECRET = 'test-cron-secret-0123456789';
const TEN_MB = 10 * 1024 * 1024;

/** `{"a":{"a":…1…}}`, `depth` objects deep: well under the 1 MB limits at 100,000. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Route {
  path: string;
  contentType: string;
  /** The headers that authenticate `body` on this route. */
  sign(path: string, body: string): Record<string, string>;
}

const ROUTES: Route[] = [
  { path: '/slack/events', contentType: 'application/json', sign: (_path, body) => slackSignature(body) },
  {
    path: '/twilio/whatsapp',
    contentType: 'application/x-www-form-urlencoded',
    sign: (path, body) => ({
      'x-twilio-signature': twilioSignature(path, Object.fromEntries(new URLSearchParams(body))),
    }),
  },
  {
    path: '/twilio/status',
    contentType: 'application/x-www-form-urlencoded',
    sign: (path, body) => ({
      'x-twilio-signature': twilioSignature(path, Object.fromEntries(new URLSearchParams(body))),
    }),
  },
  {
    path: '/webhooks/shopify',
    contentType: 'application/json',
    sign: (_path, body) => ({
      'x-shopify-topic': 'customers/redact',
      'x-shopify-shop-domain': 'lata-shopify.myshopify.com',
      'x-shopify-webhook-id': `wh-${body.length}`,
      'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY_SECRET).update(body).digest('base64'),
    }),
  },
  { path: '/api/cron/sync', contentType: 'application/json', sign: () => ({ authorization: `Bearer ${CRON_SECRET}` }) },
];

describe('oversize and deeply nested request bodies', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    mockSlackApi();
    mockTwilioApi();
    app = await startWebService(
      db.url,
      slackEnv({ ...twilioEnv(), SHOPIFY_API_KEY: 'test-key', SHOPIFY_API_SECRET: SHOPIFY_SECRET, CRON_SECRET }),
    );
  });
  afterAll(async () => {
    await app?.stop();
    await (pool && closePool(pool));
    await db?.drop();
  });

  /**
   * A POST on a connection of its own: a server that refuses a body before reading it
   * cannot take another request on that connection.
   */
  const post = (route: Route, body: string, headers: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        `${app.url}${route.path}`,
        { method: 'POST', agent: false, headers: { 'content-type': route.contentType, ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      // the server may stop reading once it has answered: its answer is what counts
      req.on('error', reject);
      req.end(body);
    });
  /** Rows the requests could have left: deliveries taken, sellers made, messages kept, jobs queued. */
  const written = async () =>
    (
      await pool.query(
        `select (select count(*)::int from processed_event) as deliveries, (select count(*)::int from "user") as users,
                (select count(*)::int from chat_message) as messages,
                (select count(*)::int from agenda_jobs where name = 'sync-seller-now') as syncs`,
      )
    ).rows[0];

  it.each(ROUTES)('I1: $path refuses a 10 MB body, signed as the route wants, with 413', async (route) => {
    const body =
      route.contentType === 'application/json'
        ? JSON.stringify({ type: 'event_callback', padding: 'x'.repeat(TEN_MB) })
        : new URLSearchParams({
            MessageSid: 'SM-big',
            From: 'whatsapp:+919800000000',
            Body: 'x'.repeat(TEN_MB),
          }).toString();
    const before = await written();
    const res = await post(route, body, route.sign(route.path, body));
    expect(res.status).toBe(413);
    expect(await written()).toEqual(before);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it.each(ROUTES)('I1: $path refuses JSON nested 100,000 deep, signed, with a 4xx and no crash', async (route) => {
    const body = nested(100_000);
    expect(body.length).toBeLessThan(1024 * 1024);
    const before = await written();
    const res = await post({ ...route, contentType: 'application/json' }, body, route.sign(route.path, body));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await written()).toEqual(before);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

/**
 * Issue 17: what a marketplace answers with an error is not ShopIQ's to keep. A failed
 * sync stores (connection.last_error, sync_run.error) and `shopiq status` shows the
 * kind, the HTTP status and a short summary ShopIQ knows to be safe: never the body,
 * which may carry tokens and customers' details.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { runCli } from '../support/cli.ts';
import { startSandbox } from '../support/sandbox.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

const TOKEN = 'q7Xk29LmZp4Rt8Vw3Ns6Yb1Hc5Jd0Fg2';
const EMAIL = 'priya.sharma@example.in';
const BODY = {
  error: 'invalid_request',
  error_description: `token ${TOKEN} is not valid for ${EMAIL}`,
  buyer: { name: 'Priya Sharma', email: EMAIL },
};

describe('a marketplace error whose body carries a token and a customer e-mail', () => {
  const harness = useSyncHarness();
  let sandbox: Sandbox | undefined;
  let server: http.Server | undefined;
  afterAll(async () => {
    await sandbox?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('leaves neither in last_error, sync_run.error nor `shopiq status`', async () => {
    const h = await harness();
    const started = await startSandbox({ seed: 3, sellers: 1, ordersPerStore: 50 });
    sandbox = started.sandbox;
    const seller = await h.connect(started.base, '1');
    // the seller's Flipkart now answers every request with that error
    server = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(BODY));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const fake = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await h.pool.query(
      `update marketplace_connection set sandbox_url = $2 where user_id = $1 and marketplace = 'flipkart'`,
      [seller, fake],
    );

    const result = await h.sync(seller, 'flipkart');
    const run = result.connections[0];
    expect(run?.status).toBe('failed');

    const { rows } = await h.pool.query<{ last_error: string; error: string }>(
      `select c.last_error, r.error from marketplace_connection c join sync_run r on r.connection_id = c.id
        where c.user_id = $1 and c.marketplace = 'flipkart'`,
      [seller],
    );
    const status = await runCli(['status'], {
      DATABASE_URL: h.db.url,
      ENCRYPTION_KEYS: TEST_KEY,
      SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-status-')),
    });
    expect(status.code, status.stderr).toBe(0);
    for (const stored of [rows[0]?.last_error, rows[0]?.error, run?.error, status.stdout]) {
      expect(stored).toContain('HTTP 400');
      for (const secret of [TOKEN, EMAIL, 'Priya', 'priya']) expect(stored).not.toContain(secret);
    }
    // kind and the source's own error code: enough to act on
    expect(rows[0]?.error).toMatch(/^unknown: flipkart HTTP 400/);
    expect(rows[0]?.error).toContain('invalid_request');
    expect(status.stdout).toContain('flipkart failed');
  });
});

/**
 * Anomalies planted in the sandbox at known dates (a marketplace's empty day, a product
 * coming back, a product's orders cancelled, a listing out of stock, a large order) are what the truth
 * lists and what the detectors find after a real sync, and nothing else is; a bad plant
 * is refused in one line.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatNotifier } from '../../src/channels/chat-notifier.ts';
import { connectSandboxSeller } from '../../src/connections/sandbox-connect.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { closePool } from '../../src/db/pool.ts';
import { checkAlerts } from '../../src/insights/alerts.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { parseAnomalies } from '../../src/sandbox/world/anomalies.ts';
import { SandboxWorld } from '../../src/sandbox/world/world.ts';
import { syncSellers } from '../../src/sync/sync-manager.ts';
import { runCli } from '../support/cli.ts';
import { json, SANDBOX_START, startSandbox } from '../support/sandbox.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** The sandbox's last day of history, and 09:00 the morning after. */
const LAST_DAY = new Date(SANDBOX_START - 86_400_000).toISOString().slice(0, 10);
/** The return spike starts two days before it; the cancellation spike, six. */
const SPIKE_DAY = new Date(SANDBOX_START - 3 * 86_400_000).toISOString().slice(0, 10);
const CANCEL_DAY = new Date(SANDBOX_START - 7 * 86_400_000).toISOString().slice(0, 10);
const MORNING = new Date(SANDBOX_START + 9 * 3_600_000);

describe('anomalies planted in the sandbox', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let sandbox: Sandbox;
  let base: string;
  /** Seller 1's most popular product on Amazon: it sells, so its stock-out matters. */
  let product: number;

  beforeAll(async () => {
    const probe = new SandboxWorld({ seed: 7, sellers: 1, ordersPerStore: 3000, startMs: SANDBOX_START });
    product = probe.catalog(1).findIndex((p) => p.listings.amazon);
    ({ sandbox, base } = await startSandbox({
      sellers: 1,
      ordersPerStore: 3000,
      anomalies: parseAnomalies(
        // Shopify's products 0 and 1 sell some 30 units a week each here
        `sales_drop:s1-flipkart:${LAST_DAY}:0;stock_out:s1-amazon:${product};return_spike:s1-shopify:0:${SPIKE_DAY}:7:0.9;cancel_spike:s1-shopify:1:${CANCEL_DAY}:7:0.6;large_order:s1-amazon:${LAST_DAY}:30`,
      ),
    }));
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 6 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('are listed in the truth with where, when and which product', async () => {
    const truth = await json(fetch(`${base}/_sandbox/truth`));
    expect(truth.anomalies).toEqual([
      expect.objectContaining({ kind: 'sales_drop', store: 's1-flipkart', marketplace: 'flipkart', day: LAST_DAY }),
      expect.objectContaining({
        kind: 'stock_out',
        store: 's1-amazon',
        marketplace: 'amazon',
        units: 0,
        sku: expect.any(String),
      }),
      expect.objectContaining({
        kind: 'return_spike',
        store: 's1-shopify',
        from: SPIKE_DAY,
        rate: 0.9,
        title: expect.any(String),
      }),
      expect.objectContaining({ kind: 'cancel_spike', store: 's1-shopify', product: 1, from: CANCEL_DAY }),
      expect.objectContaining({ kind: 'large_order', store: 's1-amazon', day: LAST_DAY, factor: 30 }),
    ]);
    // the empty day is empty, and the same weekday a week before is not
    const world = sandbox.context.world;
    const flipkart = world.orders('s1-flipkart');
    const on = (day: string) => {
      let n = 0;
      for (let i = 0; i < flipkart.count; i++)
        if (new Date(flipkart.get(i)?.placedAt ?? 0).toISOString().startsWith(day)) n++;
      return n;
    };
    expect(on(LAST_DAY)).toBe(0);
    expect(on(new Date(SANDBOX_START - 8 * 86_400_000).toISOString().slice(0, 10))).toBeGreaterThan(0);
  });

  it('are found by the detectors after a real sync, each on its marketplace and product, and nothing else is', async () => {
    const log = createLogger({ logLevel: 'silent' });
    const config = testConfig({ DATABASE_URL: db.url });
    const vault = new TokenVault(resolveKeyring(config, log));
    const { userId } = await connectSandboxSeller({ pool, vault, config }, { sandboxUrl: base, seller: '1' });
    const since = new Date();
    const fast = { ...config, flipkart: { ...config.flipkart, maxRequestsPerS: 500 } };
    const [result] = await syncSellers({ pool, vault, config: fast, log }, { userIds: [userId], trigger: 'manual' });
    expect(result?.connections.map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const told: string[] = [];
    const notifier: ChatNotifier = {
      post: async (address, reply) => {
        told.push(reply.text);
        return { address };
      },
      update: async () => false,
      editable: () => false,
      showsCharts: () => false,
    };
    await pool.query(
      `update "user" set digest_address = '{"channel":"terminal","conversationId":"terminal-t","identity":"local"}' where id = $1`,
      [userId],
    );
    const { raised } = await checkAlerts({ pool, notifier, log, staleAfterMs: 365 * 86_400_000 }, userId, {
      since,
      now: MORNING,
    });
    const drops = raised.filter((f) => f.kind === 'sales_drop');
    expect(drops.map((f) => f.marketplace)).toEqual(['flipkart']);
    expect(drops[0]?.text).toMatch(new RegExp(`^Flipkart sales fell on \\w+ ${LAST_DAY}: .* from 0 orders`));
    const truth = await json(fetch(`${base}/_sandbox/truth`));
    const planted = truth.anomalies.find((a: { kind: string }) => a.kind === 'stock_out');
    expect(raised.filter((f) => f.kind === 'stock_low' && f.marketplace === 'amazon').map((f) => f.sku)).toContain(
      planted.sku.toUpperCase(),
    );
    // the spiked products, and no other product of any marketplace
    const skuOf = (kind: string) =>
      (truth.anomalies.find((a: { kind: string }) => a.kind === kind).sku as string).toUpperCase();
    const spikes = (kind: string) => raised.filter((f) => f.kind === kind).map((f) => `${f.marketplace}:${f.sku}`);
    expect(spikes('return_spike')).toEqual([`shopify:${skuOf('return_spike')}`]);
    expect(spikes('cancel_spike')).toEqual([`shopify:${skuOf('cancel_spike')}`]);
    // the planted order, and no other
    const large = raised.filter((f) => f.kind === 'large_order');
    expect(large.map((f) => f.marketplace)).toEqual(['amazon']);
    expect(Number(large[0]?.facts.usd)).toBeGreaterThan(10 * Number(large[0]?.facts.medianUsd));
    const returns = raised.find((f) => f.kind === 'return_spike');
    expect(returns?.text).toMatch(
      /^Returns of .+ on Shopify jumped: \d+ orders of it came back (yesterday|in the last 7 days)/,
    );
    expect(Number(returns?.facts.returned)).toBeGreaterThanOrEqual(3);
    expect(told.length).toBeGreaterThan(0);
  });

  it('refuses a plant it cannot place, in one line', async () => {
    const bad = await runCli(['sandbox', '--port', '0', '--anomalies', 'sales_drop:s9-flipkart:2026-01-01'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--anomalies: anomaly: no store s9-flipkart/);
    expect(() => parseAnomalies('flood:s1-shopify')).toThrow(
      /the kind is sales_drop, return_spike, cancel_spike, stock_out or large_order/,
    );
    expect(() => parseAnomalies('sales_drop:s1-shopify:yesterday')).toThrow(/expected a date as YYYY-MM-DD/);
  });
});

/**
 * Syncing against the sandbox in tests: a migrated database of its own, the sync
 * dependencies as the service builds them, sellers connected through the real OAuth
 * path, and the comparison of what is stored with the sandbox's ground truth.
 */
import type pg from 'pg';
import { afterAll, expect } from 'vitest';
import { connectSandboxSeller } from '../../src/connections/sandbox-connect.ts';
import { resolveKeyring } from '../../src/crypto/keyring.ts';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import type { Marketplace } from '../../src/db/enums.ts';
import { closePool, openPool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { SyncDeps } from '../../src/sync/sync-connection.ts';
import { type SellerSyncResult, syncSeller } from '../../src/sync/sync-manager.ts';
import { json } from './sandbox.ts';
import { testConfig } from './test-config.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface SyncHarness {
  db: TestDatabase;
  pool: pg.Pool;
  deps: SyncDeps;
  connect(sandboxBase: string, seller?: string): Promise<string>;
  sync(userId: string, marketplace?: Marketplace): Promise<SellerSyncResult>;
}

/** For a test file: a database and sync deps, closed after the file. */
export function useSyncHarness(): () => Promise<SyncHarness> {
  let harness: SyncHarness | undefined;
  afterAll(async () => {
    await (harness && closePool(harness.pool));
    await harness?.db.drop();
  });
  return async () => {
    const db = await createTestDatabase();
    const config = testConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    const log = createLogger({ logLevel: 'silent' });
    const pool = openPool(db.url, 4, log);
    const vault = new TokenVault(resolveKeyring(config, log));
    const deps: SyncDeps = {
      pool,
      vault,
      config,
      log,
      tuning: { retry: { baseDelayMs: 5, maxDelayMs: 50 }, maxRatePerS: 10_000, rateScale: 100_000, reportPollMs: 0 },
    };
    harness = {
      db,
      pool,
      deps,
      connect: async (sandboxUrl, seller) =>
        (await connectSandboxSeller({ pool, vault, config }, { sandboxUrl, seller })).userId,
      sync: (userId, marketplace) => syncSeller(deps, userId, { trigger: 'manual', marketplace }),
    };
    return harness;
  };
}

/** Decimal strings compared as numbers written the same way ("12.5000" = "12.5"). */
export const expectShopifyMatchesTruth = (pool: pg.Pool, userId: string, sandboxBase: string) =>
  expectMatchesTruth(pool, userId, sandboxBase, 'shopify');

export const decimalText = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

interface Row {
  month: string;
  status: string;
  currency: string;
  orders: number;
  /** Total collected (what buyers paid), and net sales (revenue). */
  amount: string;
  netSales: string;
}

const key = (r: Row) => `${r.month}|${r.status}|${r.currency}`;

/**
 * Orders, total collected and net sales per month × source status × currency of one
 * seller's connection to `sandboxBase` on `marketplace`, stored vs the sandbox's truth
 * for that store.
 */
export async function expectMatchesTruth(
  pool: pg.Pool,
  userId: string,
  sandboxBase: string,
  marketplace: Marketplace,
): Promise<void> {
  const { rows: conn } = await pool.query<{ id: string; external_account_id: string }>(
    `select id, external_account_id from marketplace_connection where user_id = $1 and marketplace = $2`,
    [userId, marketplace],
  );
  const connection = conn[0];
  if (!connection) throw new Error(`seller has no ${marketplace} connection`);
  const stores = await json(fetch(`${sandboxBase}/_sandbox/stores`));
  const store = stores.stores.find((s: any) => s.accountId === connection.external_account_id);
  const truth = await json(fetch(`${sandboxBase}/_sandbox/truth`));
  const expected: Row[] = truth.orders
    .filter((r: any) => r.store === store.key)
    .map((r: any) => ({
      month: r.month,
      status: r.sourceStatus,
      currency: r.currency,
      orders: r.orders,
      amount: decimalText(r.collected),
      netSales: decimalText(r.netSales),
    }));
  const { rows } = await pool.query<Row>(
    `select to_char(ordered_at at time zone 'UTC', 'YYYY-MM') as month, source_status as status, currency,
            count(*)::int as orders, sum(total_amount)::text as amount, sum(net_sales)::text as "netSales"
       from unified_order where connection_id = $1 group by 1, 2, 3`,
    [connection.id],
  );
  const stored = rows.map((r) => ({ ...r, amount: decimalText(r.amount), netSales: decimalText(r.netSales ?? '') }));
  const sort = (a: Row, b: Row) => key(a).localeCompare(key(b));
  expect(stored.sort(sort)).toEqual(expected.sort(sort));
  const items = await pool.query<{ n: number }>(
    'select count(*)::int as n from unified_order_item where connection_id = $1',
    [connection.id],
  );
  expect(items.rows[0]?.n).toBe(truth.totals.find((t: any) => t.store === store.key).items);
  // units that came back, per line: as many as the store's completed returns hold
  const seller = truth.orders.find((r: any) => r.store === store.key)?.seller;
  const returns = truth.returns.find((r: any) => r.seller === seller && r.marketplace === marketplace);
  const returned = await pool.query<{ units: number }>(
    'select coalesce(sum(returned_quantity), 0)::int as units from unified_order_item where connection_id = $1',
    [connection.id],
  );
  expect(returned.rows[0]?.units).toBe(returns?.returnedUnits ?? 0);
}

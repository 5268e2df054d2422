/**
 * One sync run of one connection: products and orders (products first where the API
 * lists a catalog; otherwise orders first, their pages carrying the products they
 * name), then returns, each page written with its cursor in one transaction under the
 * seller's lease; order items link to their products as they are written. The run is
 * recorded in sync_run (counts, API calls, throttled calls, duration, error); the
 * connection's lastSyncAt moves only when every stream finished. A failure is
 * classified and recorded, never thrown: the next connection still syncs.
 */
import type pg from 'pg';
import { type Config, fxBaseUrlFor } from '../config/config.ts';
import { readTokens, saveTokens } from '../connections/connection-tokens.ts';
import type { TokenVault } from '../crypto/token-vault.ts';
import { FxClient } from '../currency/fx-client.ts';
import { UsdRatesForSync } from '../currency/usd-rates-for-sync.ts';
import type { ConnectionCursors } from '../db/entities/marketplace-connection.entity.ts';
import type { FailureKind, SyncRunStatus, SyncTrigger } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import type { ApiStats } from '../marketplaces/api-stats.ts';
import type { KnownSku, Page, Stream } from '../marketplaces/marketplace-client.ts';
import { errorSummary, failureKindOf, MarketplaceError } from '../marketplaces/marketplace-error.ts';
import type { ClientTuning, ConnectionInfo } from '../marketplaces/marketplace-provider.ts';
import { providerFor } from '../marketplaces/marketplace-registry.ts';
import { TokenManager } from '../marketplaces/token-manager.ts';
import { metrics } from '../observability/metrics.ts';
import type { LeaseKeeper } from './lease-keeper.ts';
import { writeOrderPage } from './order-page-writer.ts';
import { ConnectionGoneError } from './page-transaction.ts';
import { writeProductPage } from './product-page-writer.ts';
import { writeReturnPage } from './return-page-writer.ts';
import { LeaseLostError } from './sync-lease.ts';

export interface SyncDeps {
  pool: pg.Pool;
  vault: TokenVault;
  config: Config;
  log: Logger;
  tuning?: ClientTuning;
  /** Lifetime of the seller's sync lease; renewed while the run goes on. */
  leaseTtlMs?: number;
}

export interface SyncProgress {
  connectionId: string;
  marketplace: string;
  stream: Stream;
  /** Records of this stream written (or quarantined) so far in this run. */
  done: number;
  estimatedTotal: number | undefined;
}

export interface ConnectionRow extends ConnectionInfo {
  accessTokenSealed: string | null;
  refreshTokenSealed: string | null;
  tokenExpiresAt: Date | null;
  cursors: ConnectionCursors;
}

export interface ConnectionSyncResult {
  runId: string;
  connectionId: string;
  marketplace: string;
  status: Exclude<SyncRunStatus, 'running'>;
  ordersUpserted: number;
  itemsUpserted: number;
  productsUpserted: number;
  returnsApplied: number;
  quarantined: number;
  apiCalls: number;
  /** Requests sent again after a 5xx, a reset or a timeout. */
  retries: number;
  throttledCalls: number;
  /** Rate-limit units spent (Shopify cost points), where the source reports them. */
  costPoints: number;
  /** Time spent waiting for rate limits (pacing, Retry-After). */
  waitedMs: number;
  durationMs: number;
  failureKind?: FailureKind;
  error?: string;
}

/** A stream of this run: its pages, each written by `write`. */
interface StreamRun {
  stream: Stream;
  run: (onPage: (page: Page<unknown>) => Promise<void>) => Promise<void>;
}

function streamRun<P extends Page<unknown>>(
  stream: Stream,
  pages: AsyncIterable<P>,
  write: (page: P) => Promise<void>,
): StreamRun {
  return {
    stream,
    // the next page is read while this one is written: the source and the database work at once
    run: async (onPage) => {
      const iterator = pages[Symbol.asyncIterator]();
      let next = iterator.next();
      try {
        for (let read = await next; !read.done; read = await next) {
          next = iterator.next();
          next.catch(() => {}); // a failed read surfaces when it is awaited
          await write(read.value);
          await onPage(read.value);
        }
      } catch (error) {
        // let the read in flight settle, then close the source (its HTTP streams)
        await next.catch(() => {});
        await iterator.return?.(undefined).catch(() => {});
        throw error;
      }
    },
  };
}

export interface SyncConnectionInput {
  connection: ConnectionRow;
  lease: LeaseKeeper;
  trigger: SyncTrigger;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export async function syncConnection(deps: SyncDeps, input: SyncConnectionInput): Promise<ConnectionSyncResult> {
  const { pool, vault, config } = deps;
  const { connection, lease } = input;
  const log = deps.log.child({
    userId: connection.userId,
    connectionId: connection.id,
    marketplace: connection.marketplace,
  });
  const started = new Date();
  const { rows } = await pool.query<{ id: string }>(
    `insert into sync_run (user_id, connection_id, marketplace, trigger, status, started_at, cursors_before)
     values ($1, $2, $3, $4, 'running', $5, $6) returning id`,
    [
      connection.userId,
      connection.id,
      connection.marketplace,
      input.trigger,
      started,
      JSON.stringify(connection.cursors),
    ],
  );
  const result: ConnectionSyncResult = {
    runId: rows[0]?.id as string,
    connectionId: connection.id,
    marketplace: connection.marketplace,
    status: 'succeeded',
    ordersUpserted: 0,
    itemsUpserted: 0,
    productsUpserted: 0,
    returnsApplied: 0,
    quarantined: 0,
    apiCalls: 0,
    retries: 0,
    throttledCalls: 0,
    costPoints: 0,
    waitedMs: 0,
    durationMs: 0,
  };
  let stats: ApiStats | undefined;
  try {
    const tokens = readTokens(connection, vault);
    if (!tokens) throw new MarketplaceError(connection.marketplace, 'auth_revoked', 'no tokens stored: connect again');
    const provider = providerFor(connection.marketplace);
    const tokenManager = new TokenManager({
      marketplace: connection.marketplace,
      tokens,
      refresh: provider.refresher(config, connection, tokens),
      persist: (next) => saveTokens(pool, vault, connection.id, next),
    });
    const client = provider.createClient({
      config,
      connection,
      tokens: tokenManager,
      log,
      signal: input.signal,
      tuning: deps.tuning,
    });
    stats = client.stats;
    const usd = new UsdRatesForSync(pool, new FxClient(fxBaseUrlFor(config, connection.sandboxUrl)), log);
    // what every page write carries besides its rows
    const target = (page: Page<unknown>) => ({
      userId: connection.userId,
      connectionId: connection.id,
      marketplace: connection.marketplace,
      lease: lease.lease,
      cursor: page.cursor,
      quarantined: page.quarantined,
    });
    const options = {
      signal: input.signal,
      knownSkus: async () =>
        (
          await pool.query<KnownSku>(
            `select i.sku, i.title, p.synced_at as "productSyncedAt"
               from (select sku, max(title) as title from unified_order_item
                      where connection_id = $1 and sku is not null group by sku) i
               left join (select sku, max(synced_at) as synced_at from unified_product
                           where connection_id = $1 group by sku) p using (sku)
              order by i.sku`,
            [connection.id],
          )
        ).rows,
    };
    const orders = streamRun('orders', client.orders(connection.cursors.orders, options), async (page) => {
      await lease.keep();
      await usd.convert(page.rows);
      const written = await writeOrderPage(pool, {
        ...target(page),
        orders: page.rows,
        products: page.products,
        keepReturns: client.returns !== undefined,
      });
      result.ordersUpserted += written.ordersWritten;
      result.itemsUpserted += written.itemsWritten;
      result.productsUpserted += written.productsWritten;
    });
    const products = streamRun('products', client.products(connection.cursors.products, options), async (page) => {
      await lease.keep();
      const written = await writeProductPage(pool, { ...target(page), products: page.rows });
      result.productsUpserted += written.productsWritten;
    });
    // a listed catalog first, so items link as they are written; SKU lookups need the orders
    const streams: StreamRun[] = client.productsBy === 'catalog' ? [products, orders] : [orders, products];
    if (client.returns) {
      streams.push(
        streamRun('returns', client.returns(connection.cursors.returns, options), async (page) => {
          await lease.keep();
          const written = await writeReturnPage(pool, { ...target(page), returns: page.rows });
          result.returnsApplied += written.returnsApplied;
        }),
      );
    }
    for (const { stream, run } of streams) {
      let done = 0;
      await run(async (page) => {
        result.quarantined += page.quarantined.length;
        done += page.rows.length + page.quarantined.length;
        input.onProgress?.({
          connectionId: connection.id,
          marketplace: connection.marketplace,
          stream,
          done,
          estimatedTotal: page.estimatedTotal,
        });
      });
    }
    const repaired = await usd.repair(connection.id);
    if (repaired > 0) log.info({ repaired }, 'converted amounts whose FX rate arrived since');
  } catch (error) {
    // stopped because a sibling connection found the lease taken over: fenced as well
    // or because the seller disconnected the marketplace meanwhile: not to be written to either
    const fenced =
      error instanceof LeaseLostError ||
      error instanceof ConnectionGoneError ||
      input.signal?.reason instanceof LeaseLostError;
    result.status = fenced ? 'fenced' : 'failed';
    // stopped from outside (a shutdown): say why, whatever the read in flight threw; such a
    // run has no failure kind, as it says nothing about the marketplace (it is no outage)
    const stopped = input.signal?.aborted && !fenced;
    result.failureKind = stopped ? undefined : failureKindOf(error);
    result.error = errorSummary(stopped ? input.signal?.reason : error, result.failureKind ?? 'temporary');
    log.warn({ err: error, failureKind: result.failureKind }, `sync of ${connection.marketplace} ${result.status}`);
  }
  result.apiCalls = stats?.apiCalls ?? 0;
  result.retries = stats?.retries ?? 0;
  result.throttledCalls = stats?.throttled ?? 0;
  result.costPoints = stats?.costPoints ?? 0;
  result.waitedMs = stats?.waitedMs ?? 0;
  result.durationMs = Date.now() - started.getTime();
  await recordOutcome(pool, connection, result, started);
  metrics.synced(result);
  return result;
}

async function recordOutcome(
  pool: pg.Pool,
  connection: ConnectionRow,
  r: ConnectionSyncResult,
  started: Date,
): Promise<void> {
  await pool.query(
    `update sync_run set status = $2, finished_at = now(), duration_ms = $3, orders_upserted = $4, items_upserted = $5,
            products_upserted = $6, returns_applied = $7, quarantined = $8, api_calls = $9, throttled_calls = $10,
            failure_kind = $11, error = $12,
            cursors_after = (select cursors from marketplace_connection where id = $13)
      where id = $1`,
    [
      r.runId,
      r.status,
      r.durationMs,
      r.ordersUpserted,
      r.itemsUpserted,
      r.productsUpserted,
      r.returnsApplied,
      r.quarantined,
      r.apiCalls,
      r.throttledCalls,
      r.failureKind ?? null,
      r.error ?? null,
      connection.id,
    ],
  );
  if (r.status === 'succeeded') {
    // data is at least as fresh as the moment this run started reading
    await pool.query(
      `update marketplace_connection set last_sync_at = $2, status = 'CONNECTED', last_error = null, updated_at = now()
        where id = $1 and status <> 'DISCONNECTED'`,
      [connection.id, started],
    );
  } else if (r.status === 'failed') {
    await pool.query(
      `update marketplace_connection
          set last_error = $2, updated_at = now(),
              status = case when $3 = 'auth_revoked' then 'NEEDS_REAUTH' else status end
        where id = $1 and status <> 'DISCONNECTED'`,
      [connection.id, r.error, r.failureKind],
    );
  }
}

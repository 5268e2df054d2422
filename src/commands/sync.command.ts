import type { Config } from '../config/config.ts';
import type { Marketplace } from '../db/enums.ts';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../logging/logger.ts';
import { heldLeaseText, parseHolder } from '../sync/lease-holder.ts';
import type { ConnectionSyncResult } from '../sync/sync-connection.ts';
import { type SellerSyncResult, SYNC_LEASE_TTL_MS, syncSellers } from '../sync/sync-manager.ts';
import { resolveSellers } from './resolve-seller.ts';
import { progressView } from './sync-progress.ts';
import { withServices } from './with-database.ts';

export interface SyncCommandOptions {
  seller?: string;
  marketplace?: Marketplace;
}

/** Runs a sync now; exit code 1 when a connection failed or the seller was busy. */
export async function syncCommand(config: Config, log: Logger, opts: SyncCommandOptions): Promise<number> {
  return withServices(config, log, async ({ pool, vault }) => {
    const userIds = opts.seller ? await resolveSellers(pool, opts.seller) : undefined;
    const view = progressView(process.stderr, log);
    const abort = new AbortController();
    const onSignal = () => abort.abort(new AppError('BAD_REQUEST', 'sync interrupted'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const results = await syncSellers(
        { pool, vault, config, log },
        {
          userIds,
          marketplace: opts.marketplace,
          trigger: 'manual',
          onProgress: (p) => view.update(p),
          signal: abort.signal,
        },
      );
      view.done();
      let failed = 0;
      if (results.length === 0) process.stdout.write('nothing to sync: no connected marketplace accounts\n');
      for (const seller of results) {
        if (seller.busy) failed++;
        const lease = leaseNotice(seller);
        if (lease) process.stdout.write(`seller ${seller.userId}: ${lease}\n`);
        for (const r of seller.connections) {
          if (r.status !== 'succeeded') failed++;
          process.stdout.write(`${summary(r)}\n`);
          log.info({ ...r }, 'sync run finished');
        }
      }
      return failed > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

const n = new Intl.NumberFormat('en-US');
const utc = (at: Date) => `${at.toISOString().slice(11, 19)} UTC`;

/** What the seller's lease did to this run: kept it from running (until when), or was taken from a dead run. */
function leaseNotice(seller: SellerSyncResult): string | undefined {
  if (seller.busy) {
    const why = seller.heldBy ? heldLeaseText(seller.heldBy, SYNC_LEASE_TTL_MS, utc) : 'a sync is already running';
    return `${why}; try again then`;
  }
  if (!seller.tookOverFrom) return undefined;
  const { pid } = parseHolder(seller.tookOverFrom);
  return `the last sync (process ${pid} on this machine) is gone: its lease was taken over`;
}

function summary(r: ConnectionSyncResult): string {
  const seconds = (r.durationMs / 1000).toFixed(1);
  const what = `${n.format(r.ordersUpserted)} orders, ${n.format(r.itemsUpserted)} items, ${n.format(r.productsUpserted)} products`;
  const wire = `${n.format(r.apiCalls)} API calls, ${n.format(r.throttledCalls)} throttled`;
  const quarantined = r.quarantined > 0 ? `, ${n.format(r.quarantined)} quarantined` : '';
  const head = `${r.marketplace} ${r.status}`;
  if (r.status === 'succeeded') return `${head}: ${what}${quarantined} in ${seconds} s (${wire})`;
  return `${head} after ${seconds} s (${r.failureKind}): ${r.error} — ${what} written before it stopped`;
}

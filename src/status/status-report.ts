/** What `shopiq status` reports: database, migrations, sellers, connections, recent syncs. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DatabaseHandle } from '../db/database.ts';
import { migrationState } from '../db/migration-state.ts';
import type { MikroORM } from '../db/orm.ts';
import type { ScheduledSync } from '../jobs/scheduler.ts';
import { describeSchedule } from '../jobs/sync-schedule.ts';
import { localTime } from '../time/local-time.ts';

export interface StatusReport {
  version: string;
  database: {
    url: string;
    kind: 'embedded' | 'external';
    dataDir?: string;
    /** Embedded server already run by another ShopIQ process (the service). */
    shared?: boolean;
    reachable: boolean;
  };
  migrations: { executed: number; pending: string[] };
  sellers: number;
  connections: { marketplace: string; status: string; count: number }[];
  orders: { marketplace: string; count: number }[];
  /** Each seller's recurring sync (in the seller's timezone) and latest run per connection. */
  sellerSyncs: SellerSyncStatus[];
  lastSyncRuns: {
    userId: string;
    connectionId: string;
    marketplace: string;
    status: string;
    startedAt: string;
    ordersUpserted: number;
    error: string | null;
  }[];
}

export interface SellerSyncStatus {
  userId: string;
  name: string | null;
  timezone: string;
  tier: string;
  /** In words, e.g. "at 02:17 and 14:17 Asia/Kolkata time"; undefined: not scheduled. */
  schedule: string | undefined;
  nextSyncAt: string | undefined;
  /** The next sync as the seller's clock reads it. */
  nextSyncLocal: string | undefined;
  /** Chat messages to the seller that did not arrive in the last 24 hours (WhatsApp delivery reports). */
  failedDeliveries24h: number;
  /** The last of them: Twilio's error code. */
  lastDeliveryError: string | null;
}

/** Where status reads the recurring syncs from (the job store). */
export type ScheduledSyncs = () => Promise<ScheduledSync[]>;

export async function collectStatus(
  orm: MikroORM,
  database: DatabaseHandle,
  version: string,
  scheduledSyncs?: ScheduledSyncs,
): Promise<StatusReport> {
  const migrations = await migrationState(orm);
  const reachable = !migrations.problems.some((p) => p.name === 'database_unreachable');
  const report: StatusReport = {
    version,
    database: {
      url: database.displayUrl,
      kind: database.kind,
      ...(database.embedded ? { dataDir: database.embedded.dataDir, shared: !database.embedded.owned } : {}),
      reachable,
    },
    migrations: { executed: migrations.executed.length, pending: migrations.pending },
    sellers: 0,
    connections: [],
    orders: [],
    sellerSyncs: [],
    lastSyncRuns: [],
  };
  if (!reachable || migrations.executed.length === 0) return report;
  const em = orm.em.fork() as EntityManager;
  const conn = em.getConnection();
  const [sellers] = await conn.execute<{ count: string }[]>('select count(*)::text as count from "user"');
  report.sellers = Number(sellers?.count ?? 0);
  report.connections = (
    await conn.execute<{ marketplace: string; status: string; count: string }[]>(
      'select marketplace, status, count(*)::text as count from marketplace_connection group by 1, 2 order by 1, 2',
    )
  ).map((r) => ({ ...r, count: Number(r.count) }));
  report.orders = (
    await conn.execute<{ marketplace: string; count: string }[]>(
      'select marketplace, count(*)::text as count from unified_order group by 1 order by 1',
    )
  ).map((r) => ({ ...r, count: Number(r.count) }));
  report.lastSyncRuns = (
    await conn.execute<
      {
        user_id: string;
        connection_id: string;
        marketplace: string;
        status: string;
        started_at: Date;
        orders_upserted: number;
        error: string | null;
      }[]
    >(
      `select distinct on (connection_id) user_id, connection_id, marketplace, status, started_at, orders_upserted, error
         from sync_run order by connection_id, started_at desc`,
    )
  ).map((r) => ({
    userId: r.user_id,
    connectionId: r.connection_id,
    marketplace: r.marketplace,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    ordersUpserted: r.orders_upserted,
    error: r.error,
  }));
  const schedules = new Map((await scheduledSyncs?.())?.map((s) => [s.userId, s]));
  const failures = new Map(
    (
      await conn
        .execute<{ user_id: string; failed: number; last_error: string | null }[]>(
          `select i.user_id, count(*)::int as failed,
                (array_agg(f.error_code order by f.failed_at desc))[1] as last_error
           from chat_delivery_failure f
           join channel_identity i on i.channel = f.channel and i.external_id = f.external_id
          where f.failed_at > now() - interval '24 hours'
          group by i.user_id`,
          // a database a migration behind has no such table yet: nothing to say then
        )
        .catch(() => [])
    ).map((f) => [f.user_id, f]),
  );
  report.sellerSyncs = (
    await conn.execute<{ id: string; display_name: string | null; timezone: string; sync_tier: string }[]>(
      'select id, display_name, timezone, sync_tier from "user" order by created_at, id',
    )
  ).map((u) => {
    const s = schedules.get(u.id);
    return {
      userId: u.id,
      name: u.display_name,
      timezone: u.timezone,
      tier: u.sync_tier,
      schedule: s ? describeSchedule(s) : undefined,
      nextSyncAt: s?.nextRunAt?.toISOString(),
      nextSyncLocal: s?.nextRunAt ? localTime(s.nextRunAt, s.timezone) : undefined,
      failedDeliveries24h: failures.get(u.id)?.failed ?? 0,
      lastDeliveryError: failures.get(u.id)?.last_error ?? null,
    };
  });
  return report;
}

/** Sellers listed one by one in the text report; `--json` has them all. */
const SELLERS_SHOWN = 20;

export function formatStatus(r: StatusReport): string {
  const lines = [
    `ShopIQ ${r.version}`,
    `database     ${r.database.url} (${r.database.kind}${r.database.shared ? ', shared with the running service' : ''}${r.database.reachable ? '' : ', UNREACHABLE'})`,
  ];
  if (r.database.dataDir) lines.push(`data         ${r.database.dataDir}`);
  lines.push(
    `migrations   ${r.migrations.executed} applied${r.migrations.pending.length ? `, ${r.migrations.pending.length} pending: ${r.migrations.pending.join(', ')}` : ', none pending'}`,
    `sellers      ${r.sellers}`,
  );
  lines.push(
    `connections  ${r.connections.length === 0 ? 'none' : r.connections.map((c) => `${c.marketplace} ${c.status.toLowerCase()} ×${c.count}`).join(', ')}`,
  );
  lines.push(
    `orders       ${r.orders.length === 0 ? 'none synced yet' : r.orders.map((o) => `${o.marketplace} ${o.count}`).join(', ')}`,
  );
  for (const seller of r.sellerSyncs.slice(0, SELLERS_SHOWN)) {
    const next = seller.nextSyncLocal ? `next sync ${seller.nextSyncLocal}, ${seller.schedule}` : 'no recurring sync';
    lines.push(`seller       ${seller.name ?? '(unnamed)'} ${seller.userId}: ${next}`);
    if (seller.failedDeliveries24h > 0) {
      lines.push(
        `  messages   ${seller.failedDeliveries24h} not delivered in the last 24 h (last error ${seller.lastDeliveryError ?? 'unknown'})`,
      );
    }
    for (const run of r.lastSyncRuns.filter((x) => x.userId === seller.userId)) {
      lines.push(
        `  last sync  ${run.marketplace} ${run.status} at ${run.startedAt} (${run.ordersUpserted} orders)${run.error ? `: ${run.error}` : ''}`,
      );
    }
  }
  if (r.sellerSyncs.length > SELLERS_SHOWN) {
    lines.push(`             … and ${r.sellerSyncs.length - SELLERS_SHOWN} more sellers (--json lists them all)`);
  }
  return lines.join('\n');
}

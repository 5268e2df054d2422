/** What `shopiq status` reports: database, migrations, sellers, connections, recent syncs. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DatabaseHandle } from '../db/database.ts';
import { migrationState } from '../db/migration-state.ts';
import type { MikroORM } from '../db/orm.ts';

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
  lastSyncRuns: {
    connectionId: string;
    marketplace: string;
    status: string;
    startedAt: string;
    ordersUpserted: number;
    error: string | null;
  }[];
}

export async function collectStatus(orm: MikroORM, database: DatabaseHandle, version: string): Promise<StatusReport> {
  const migrations = await migrationState(orm);
  const reachable = !migrations.problems.some((p) => p.startsWith('database unreachable'));
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
        connection_id: string;
        marketplace: string;
        status: string;
        started_at: Date;
        orders_upserted: number;
        error: string | null;
      }[]
    >(
      `select distinct on (connection_id) connection_id, marketplace, status, started_at, orders_upserted, error
         from sync_run order by connection_id, started_at desc`,
    )
  ).map((r) => ({
    connectionId: r.connection_id,
    marketplace: r.marketplace,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    ordersUpserted: r.orders_upserted,
    error: r.error,
  }));
  return report;
}

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
  for (const run of r.lastSyncRuns) {
    lines.push(
      `last sync    ${run.marketplace} ${run.status} at ${run.startedAt} (${run.ordersUpserted} orders)${run.error ? `: ${run.error}` : ''}`,
    );
  }
  return lines.join('\n');
}

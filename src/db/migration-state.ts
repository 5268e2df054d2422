import type { MikroORM } from '@mikro-orm/postgresql';
import { describePgError } from './database.ts';

/** Why the database is not ready to serve: a name for probes, and what an operator reads. */
export interface ReadinessProblem {
  name: 'database_unreachable' | 'migrations_pending';
  detail: string;
}

export interface MigrationState {
  executed: string[];
  pending: string[];
  /** Empty when the database is ready. */
  problems: ReadinessProblem[];
}

/** Reachability and migration status in one look (readiness, `shopiq status`). */
export async function migrationState(orm: MikroORM): Promise<MigrationState> {
  try {
    const [executed, pending] = await Promise.all([orm.migrator.getExecuted(), orm.migrator.getPending()]);
    return {
      executed: executed.map((m) => m.name),
      pending: pending.map((m) => m.name),
      problems:
        pending.length > 0
          ? [{ name: 'migrations_pending', detail: `${pending.length} database migration(s) pending` }]
          : [],
    };
  } catch (error) {
    return {
      executed: [],
      pending: [],
      problems: [{ name: 'database_unreachable', detail: `database unreachable: ${describePgError(error)}` }],
    };
  }
}

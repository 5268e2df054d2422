import type { MikroORM } from '@mikro-orm/postgresql';
import { describePgError } from './database.ts';

export interface MigrationState {
  executed: string[];
  pending: string[];
  /** Why the database is not ready to serve; empty when it is. */
  problems: string[];
}

/** Reachability and migration status in one look (readiness, `shopiq status`). */
export async function migrationState(orm: MikroORM): Promise<MigrationState> {
  try {
    const [executed, pending] = await Promise.all([orm.migrator.getExecuted(), orm.migrator.getPending()]);
    return {
      executed: executed.map((m) => m.name),
      pending: pending.map((m) => m.name),
      problems: pending.length > 0 ? [`${pending.length} database migration(s) pending`] : [],
    };
  } catch (error) {
    return { executed: [], pending: [], problems: [`database unreachable: ${describePgError(error)}`] };
  }
}

import type { Config } from '../config/config.ts';
import { closePool, openPool } from '../db/pool.ts';
import { openJobStore } from '../jobs/job-store.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import type { Logger } from '../logging/logger.ts';
import { collectStatus, formatStatus } from '../status/status-report.ts';
import { withDatabase } from './with-database.ts';

export async function statusCommand(config: Config, log: Logger, version: string, json: boolean): Promise<void> {
  const report = await withDatabase(config, log, async (orm, database) => {
    const pool = openPool(database.url, 2, log);
    let scheduler: Scheduler | undefined;
    try {
      return await collectStatus(orm, database, version, async () => {
        scheduler = new Scheduler(await openJobStore({ config, pool, log }), { config, pool, log });
        return scheduler.scheduledSyncs();
      });
    } finally {
      await scheduler?.stop(0);
      await closePool(pool);
    }
  });
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`);
}

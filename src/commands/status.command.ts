import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { collectStatus, formatStatus } from '../status/status-report.ts';
import { withDatabase } from './with-database.ts';

export async function statusCommand(config: Config, log: Logger, version: string, json: boolean): Promise<void> {
  const report = await withDatabase(config, log, (orm, database) => collectStatus(orm, database, version));
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`);
}

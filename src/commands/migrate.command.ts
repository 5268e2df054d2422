import type { Config } from '../config/config.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { Logger } from '../logging/logger.ts';
import { withDatabase } from './with-database.ts';

export async function migrateCommand(config: Config, log: Logger): Promise<void> {
  await withDatabase(config, log, async (orm, database) => {
    const applied = await applyMigrations(orm);
    const where = database.displayUrl;
    process.stdout.write(
      applied.length === 0
        ? `database ${where} is up to date\n`
        : `applied ${applied.length} migration(s) to ${where}:\n${applied.map((m) => `  ${m}`).join('\n')}\n`,
    );
  });
}

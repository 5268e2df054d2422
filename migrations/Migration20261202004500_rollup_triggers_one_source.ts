import { Migration } from '@mikro-orm/migrations';
import { MARKED_TABLES, salesRollupMarkFunction } from '../src/db/entities/sales-rollup-marks.ts';

/**
 * The rollup trigger functions as the entities declare them: databases migrated before
 * their SQL had one source carry a copy that differed (a redundant `distinct`).
 */
export class Migration20261202004500_rollup_triggers_one_source extends Migration {

  override name = 'Migration20261202004500_rollup_triggers_one_source';

  override up(): void | Promise<void> {
    for (const table of MARKED_TABLES) this.addSql(`${salesRollupMarkFunction(table)};`);
  }

  override down(): void | Promise<void> {}

}

import { Migration } from '@mikro-orm/migrations';
import { salesRollupMarkFunction } from '../src/db/entities/sales-rollup-marks.ts';

/**
 * The order lines' rollup marks look each named order up by its key (one probe per
 * order) rather than join the statement's lines with every order of the table.
 */
export class Migration20261202061500_item_marks_probe extends Migration {

  override name = 'Migration20261202061500_item_marks_probe';

  override up(): void | Promise<void> {
    this.addSql(`${salesRollupMarkFunction('unified_order_item')};`);
  }

  override down(): void | Promise<void> {}

}

import { Migration } from '@mikro-orm/migrations';
import { sellerReaderSetupSql, sellerReaderTeardownSql } from '../src/db/seller-reader.ts';

/**
 * Analytics and tool reads run as the read-only role `shopiq_reader` under row-level
 * security bound to the asking seller. The SQL has one source: src/db/seller-reader.ts.
 */
/** The tables as they were when this migration was written (later ones open their own). */
const TABLES = {
  seller: ['unified_order', 'unified_order_item', 'unified_product', 'sales_rollup'],
  shared: ['fx_rate'],
};

export class Migration20261202023900_seller_reader_rls extends Migration {

  override name = 'Migration20261202023900_seller_reader_rls';

  override up(): void | Promise<void> {
    for (const sql of sellerReaderSetupSql(TABLES)) this.addSql(`${sql};`);
  }

  override down(): void | Promise<void> {
    for (const sql of sellerReaderTeardownSql(TABLES)) this.addSql(`${sql};`);
  }

}

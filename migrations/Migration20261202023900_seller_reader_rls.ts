import { Migration } from '@mikro-orm/migrations';
import { sellerReaderSetupSql, sellerReaderTeardownSql } from '../src/db/seller-reader.ts';

/**
 * Analytics and tool reads run as the read-only role `shopiq_reader` under row-level
 * security bound to the asking seller. The SQL has one source: src/db/seller-reader.ts.
 */
export class Migration20261202023900_seller_reader_rls extends Migration {

  override name = 'Migration20261202023900_seller_reader_rls';

  override up(): void | Promise<void> {
    for (const sql of sellerReaderSetupSql()) this.addSql(`${sql};`);
  }

  override down(): void | Promise<void> {
    for (const sql of sellerReaderTeardownSql()) this.addSql(`${sql};`);
  }

}

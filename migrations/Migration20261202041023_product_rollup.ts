import { Migration } from '@mikro-orm/migrations';
import { sellerTableSql } from '../src/db/seller-reader.ts';

/**
 * Product questions read a daily rollup of the order lines per product (ProductRollup)
 * instead of every line of the period.
 */
export class Migration20261202041023_product_rollup extends Migration {

  override name = 'Migration20261202041023_product_rollup';

  override up(): void | Promise<void> {
    this.addSql(`create table "product_rollup" ("id" bigserial primary key, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "day" date not null, "fx_day" date not null, "currency" varchar(3) not null, "sku" text not null, "title" text not null, "orders" int not null, "units" int not null, "returned_units" int not null, "sales" numeric(24,4) not null, "sales_usd" numeric not null, "orders_without_usd" int not null, "sales_without_usd" numeric(24,4) not null, "orders_without_net_sales" int not null);`);
    this.addSql(`create index "product_rollup_user_id_day_index" on "product_rollup" ("user_id", "day");`);
    this.addSql(`alter table "product_rollup" add constraint "product_rollup_connection_id_day_fx_day_currency_sku_unique" unique ("connection_id", "day", "fx_day", "currency", "sku");`);

    this.addSql(`alter table "product_rollup" add constraint "product_rollup_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);
    this.addSql(`alter table "product_rollup" add constraint "product_rollup_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
    // read by the seller reader only as the bound seller's rows (src/db/seller-reader.ts)
    for (const sql of sellerTableSql('product_rollup')) this.addSql(`${sql};`);
    // every seller's rollup is rebuilt whole at its next refresh, the product rows with it
    this.addSql(`delete from "sales_rollup_state";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "product_rollup" cascade;`);
  }

}

import { Migration } from '@mikro-orm/migrations';
import { MARKED_TABLES, salesRollupMarkTriggers } from '../src/db/entities/sales-rollup-marks.ts';

export class Migration20261130232924_sales_rollup extends Migration {

  override name = 'Migration20261130232924_sales_rollup';

  override up(): void | Promise<void> {
    this.addSql(`create table "sales_rollup_mark" ("connection_id" uuid not null, "utc_day" date not null, "user_id" uuid not null, "generation" int not null default 1, primary key ("connection_id", "utc_day"));`);
    this.addSql(`create index "sales_rollup_mark_user_id_index" on "sales_rollup_mark" ("user_id");`);

    this.addSql(`create table "sales_rollup_state" ("user_id" uuid not null, "timezone" varchar(255) not null, "built_at" timestamptz not null, primary key ("user_id"));`);

    this.addSql(`create table "sales_rollup" ("id" bigserial primary key, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "day" date not null, "fx_day" date not null, "currency" varchar(3) not null, "status" text not null, "orders" int not null, "sales" numeric(24,4) not null, "sales_usd" numeric(24,4) not null, "orders_without_usd" int not null, "sales_without_usd" numeric(24,4) not null, "refunds" numeric(24,4) not null, "refunds_usd" numeric not null, "units" int not null, "returned_units" int not null, "returned_orders" int not null);`);
    this.addSql(`create index "sales_rollup_user_id_day_index" on "sales_rollup" ("user_id", "day");`);
    this.addSql(`alter table "sales_rollup" add constraint "sales_rollup_connection_id_day_fx_day_currency_status_unique" unique ("connection_id", "day", "fx_day", "currency", "status");`);

    this.addSql(`alter table "sales_rollup_state" add constraint "sales_rollup_state_user_id_foreign" foreign key ("user_id") references "user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "sales_rollup" add constraint "sales_rollup_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);
    this.addSql(`alter table "sales_rollup" add constraint "sales_rollup_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
    this.addSql(`alter table "sales_rollup" add constraint "sales_rollup_status_check" check ("status" in ('PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'));`);

    // Every change to a seller's orders or lines marks its connection's UTC day for the
    // rollup rebuild: statement triggers over the transition rows. Their SQL has one
    // source, the entities' declaration (a later change to it comes with a migration
    // that replaces them; applied from scratch, this one already creates the current form).
    for (const table of MARKED_TABLES) {
      for (const trigger of salesRollupMarkTriggers(table)) this.addSql(`${trigger.expression};`);
    }
  }

  override down(): void | Promise<void> {
    for (const table of MARKED_TABLES) {
      this.addSql(`drop function if exists ${table}_mark_sales_rollup() cascade;`);
    }
    this.addSql(`drop table if exists "sales_rollup_mark" cascade;`);
    this.addSql(`drop table if exists "sales_rollup_state" cascade;`);
    this.addSql(`drop table if exists "sales_rollup" cascade;`);
  }

}

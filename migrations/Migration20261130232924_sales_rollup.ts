import { Migration } from '@mikro-orm/migrations';

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
    // rollup rebuild (src/analytics/sales-rollup.ts), whoever writes it: one statement
    // trigger per table and event, over the statement's transition rows. Rows deleted
    // with their connection mark nothing (the rollup rows go with the connection).
    for (const [table, orders] of [
      ['unified_order', 'select distinct o.connection_id, o.user_id, o.ordered_at from %ROWS% o'],
      [
        'unified_order_item',
        'select o.connection_id, o.user_id, o.ordered_at from unified_order o where o.id in (select order_id from %ROWS%)',
      ],
    ] as const) {
      const mark = (rows: string) => `
        insert into sales_rollup_mark as m (connection_id, utc_day, user_id)
        select distinct x.connection_id, (x.ordered_at at time zone 'UTC')::date, x.user_id
          from (${orders.replace('%ROWS%', rows)}) x
         where exists (select 1 from marketplace_connection c where c.id = x.connection_id)
        on conflict (connection_id, utc_day) do update set generation = m.generation + 1;`;
      this.addSql(`create function ${table}_mark_sales_rollup() returns trigger language plpgsql as $$
        begin
          if TG_OP <> 'INSERT' then ${mark('old_rows')} end if;
          if TG_OP <> 'DELETE' then ${mark('new_rows')} end if;
          return null;
        end $$;`);
      for (const [event, rows] of [
        ['insert', 'new table as new_rows'],
        ['update', 'old table as old_rows new table as new_rows'],
        ['delete', 'old table as old_rows'],
      ]) {
        this.addSql(`create trigger ${table}_${event}_mark_sales_rollup after ${event} on "${table}"
          referencing ${rows} for each statement execute function ${table}_mark_sales_rollup();`);
      }
    }
  }

  override down(): void | Promise<void> {
    for (const table of ['unified_order', 'unified_order_item']) {
      this.addSql(`drop function if exists ${table}_mark_sales_rollup() cascade;`);
    }
    this.addSql(`drop table if exists "sales_rollup_mark" cascade;`);
    this.addSql(`drop table if exists "sales_rollup_state" cascade;`);
    this.addSql(`drop table if exists "sales_rollup" cascade;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/**
 * Alerts: each one raised for a seller, open until what it is about ends (one open per
 * dedupe key), and the seller's switch and mutes.
 */
export class Migration20261202105406_seller_alerts extends Migration {

  override name = 'Migration20261202105406_seller_alerts';

  override up(): void | Promise<void> {
    this.addSql(`create table "seller_alert" ("id" bigserial primary key, "user_id" uuid not null, "kind" text not null, "dedupe_key" text not null, "marketplace" varchar(255) null, "sku" text null, "facts" jsonb not null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, "cleared_at" timestamptz null);`);
    this.addSql(`create index "seller_alert_user_id_created_at_index" on "seller_alert" ("user_id", "created_at");`);
    this.addSql(`create unique index "seller_alert_open_unique" on "seller_alert" ("user_id", "dedupe_key") where "cleared_at" is null;`);

    this.addSql(`alter table "user" add "alerts_enabled" boolean not null default true, add "alert_mutes" jsonb not null default '{}';`);

    this.addSql(`alter table "seller_alert" add constraint "seller_alert_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "seller_alert" add constraint "seller_alert_kind_check" check ("kind" in ('sales_drop', 'return_spike', 'stock_low', 'connection', 'large_order'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "seller_alert" cascade;`);

    this.addSql(`alter table "user" drop column "alerts_enabled", drop column "alert_mutes";`);
  }

}

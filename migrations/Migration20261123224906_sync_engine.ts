import { Migration } from '@mikro-orm/migrations';

export class Migration20261123224906_sync_engine extends Migration {

  override name = 'Migration20261123224906_sync_engine';

  override up(): void | Promise<void> {
    this.addSql(`create table "sync_quarantine" ("id" bigserial primary key, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "stream" varchar(255) not null, "external_id" varchar(255) null, "reason" text not null, "payload" text not null, "seen_at" timestamptz not null default now());`);
    this.addSql(`alter table "sync_quarantine" add constraint "sync_quarantine_connection_id_stream_external_id_unique" unique ("connection_id", "stream", "external_id");`);

    this.addSql(`create index "fx_rate_base_quote_rate_date_index" on "fx_rate" ("base", "quote", "rate_date");`);

    this.addSql(`alter table "marketplace_connection" add "sandbox_url" varchar(255) null;`);

    this.addSql(`alter table "sync_quarantine" add constraint "sync_quarantine_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "sync_quarantine" add constraint "sync_quarantine_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);
    this.addSql(`alter table "sync_quarantine" add constraint "sync_quarantine_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sync_quarantine" cascade;`);

    this.addSql(`drop index "fx_rate_base_quote_rate_date_index";`);

    this.addSql(`alter table "marketplace_connection" drop column "sandbox_url";`);
  }

}

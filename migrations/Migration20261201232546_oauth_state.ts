import { Migration } from '@mikro-orm/migrations';

export class Migration20261201232546_oauth_state extends Migration {

  override name = 'Migration20261201232546_oauth_state';

  override up(): void | Promise<void> {
    this.addSql(`create table "oauth_state" ("id" bigserial primary key, "state_hash" varchar(255) not null, "user_id" uuid not null, "marketplace" text not null, "account" varchar(255) null, "channel" text not null, "conversation_id" varchar(255) not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "used_at" timestamptz null);`);
    this.addSql(`create index "oauth_state_expires_at_index" on "oauth_state" ("expires_at");`);
    this.addSql(`alter table "oauth_state" add constraint "oauth_state_state_hash_unique" unique ("state_hash");`);

    this.addSql(`alter table "oauth_state" add constraint "oauth_state_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "oauth_state" add constraint "oauth_state_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
    this.addSql(`alter table "oauth_state" add constraint "oauth_state_channel_check" check ("channel" in ('slack', 'whatsapp', 'terminal'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "oauth_state" cascade;`);
  }

}

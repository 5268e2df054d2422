import { Migration } from '@mikro-orm/migrations';

export class Migration20261201213622_channels extends Migration {

  override name = 'Migration20261201213622_channels';

  override up(): void | Promise<void> {
    this.addSql(`create table "link_attempt" ("id" bigserial primary key, "identity" varchar(255) not null, "succeeded" boolean not null, "attempted_at" timestamptz not null default now());`);
    this.addSql(`create index "link_attempt_identity_attempted_at_index" on "link_attempt" ("identity", "attempted_at");`);
    this.addSql(`create index "link_attempt_attempted_at_index" on "link_attempt" ("attempted_at");`);

    this.addSql(`create table "slack_installation" ("install_key" varchar(255) not null, "team_id" varchar(255) null, "enterprise_id" varchar(255) null, "bot_user_id" varchar(255) null, "installation_sealed" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("install_key"));`);

    this.addSql(`create table "link_code" ("id" bigserial primary key, "user_id" uuid not null, "code_hash" varchar(255) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "link_code_user_id_index" on "link_code" ("user_id");`);
    this.addSql(`alter table "link_code" add constraint "link_code_code_hash_unique" unique ("code_hash");`);

    this.addSql(`create table "chat_feedback" ("id" bigserial primary key, "message_id" bigint not null, "identity" varchar(255) not null, "rating" text not null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "chat_feedback" add constraint "chat_feedback_message_id_identity_unique" unique ("message_id", "identity");`);

    this.addSql(`alter table "link_code" add constraint "link_code_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);

    this.addSql(`alter table "chat_feedback" add constraint "chat_feedback_message_id_foreign" foreign key ("message_id") references "chat_message" ("id") on delete cascade;`);
    this.addSql(`alter table "chat_feedback" add constraint "chat_feedback_rating_check" check ("rating" in ('up', 'down'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "link_attempt" cascade;`);
    this.addSql(`drop table if exists "slack_installation" cascade;`);
    this.addSql(`drop table if exists "link_code" cascade;`);
    this.addSql(`drop table if exists "chat_feedback" cascade;`);
  }

}

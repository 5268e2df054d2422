import { Migration } from '@mikro-orm/migrations';

export class Migration20261201225445_chat_media extends Migration {

  override name = 'Migration20261201225445_chat_media';

  override up(): void | Promise<void> {
    this.addSql(`create table "chat_media" ("id" text not null, "content_type" varchar(255) not null, "bytes" bytea not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "chat_media_expires_at_index" on "chat_media" ("expires_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "chat_media" cascade;`);
  }

}

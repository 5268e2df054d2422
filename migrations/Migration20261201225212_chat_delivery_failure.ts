import { Migration } from '@mikro-orm/migrations';

export class Migration20261201225212_chat_delivery_failure extends Migration {

  override name = 'Migration20261201225212_chat_delivery_failure';

  override up(): void | Promise<void> {
    this.addSql(`create table "chat_delivery_failure" ("id" bigserial primary key, "channel" text not null, "external_id" varchar(255) not null, "message_sid" varchar(255) not null, "status" varchar(255) not null, "error_code" varchar(255) null, "failed_at" timestamptz not null default now());`);
    this.addSql(`create index "chat_delivery_failure_channel_external_id_failed_at_index" on "chat_delivery_failure" ("channel", "external_id", "failed_at");`);
    this.addSql(`alter table "chat_delivery_failure" add constraint "chat_delivery_failure_message_sid_unique" unique ("message_sid");`);

    this.addSql(`alter table "chat_delivery_failure" add constraint "chat_delivery_failure_channel_check" check ("channel" in ('slack', 'whatsapp', 'terminal'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "chat_delivery_failure" cascade;`);
  }

}

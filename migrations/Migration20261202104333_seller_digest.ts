import { Migration } from '@mikro-orm/migrations';

/**
 * Digests: each seller's local digest time (09:00 unless set; null: off) and the chat
 * they picked for it, and one claim per seller and local day so a digest goes once.
 */
export class Migration20261202104333_seller_digest extends Migration {

  override name = 'Migration20261202104333_seller_digest';

  override up(): void | Promise<void> {
    this.addSql(`create table "digest_delivery" ("user_id" uuid not null, "local_date" date not null, "kind" text not null, "sent_at" timestamptz not null default now(), primary key ("user_id", "local_date"));`);

    this.addSql(`alter table "user" add "digest_time" varchar(5) null default '09:00', add "digest_address" jsonb null;`);

    this.addSql(`alter table "digest_delivery" add constraint "digest_delivery_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "digest_delivery" add constraint "digest_delivery_kind_check" check ("kind" in ('daily', 'weekly'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "digest_delivery" cascade;`);

    this.addSql(`alter table "user" drop column "digest_time", drop column "digest_address";`);
  }

}

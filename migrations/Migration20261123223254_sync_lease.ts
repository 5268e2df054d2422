import { Migration } from '@mikro-orm/migrations';

export class Migration20261123223254_sync_lease extends Migration {

  override name = 'Migration20261123223254_sync_lease';

  override up(): void | Promise<void> {
    this.addSql(`create table "sync_lease" ("user_id" uuid not null, "holder" varchar(255) not null, "version" int not null, "expires_at" timestamptz not null, "acquired_at" timestamptz not null, primary key ("user_id"));`);

    this.addSql(`alter table "sync_lease" add constraint "sync_lease_user_id_foreign" foreign key ("user_id") references "user" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sync_lease" cascade;`);
  }

}

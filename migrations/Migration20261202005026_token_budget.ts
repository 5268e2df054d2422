import { Migration } from '@mikro-orm/migrations';

export class Migration20261202005026_token_budget extends Migration {

  override name = 'Migration20261202005026_token_budget';

  override up(): void | Promise<void> {
    this.addSql(`create table "token_budget" ("user_id" uuid not null, "day" date not null, "used" bigint not null default '0', "reserved" bigint not null default '0', "updated_at" timestamptz not null, primary key ("user_id", "day"));`);

    this.addSql(`alter table "token_budget" add constraint "token_budget_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "token_budget" cascade;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261201234927_connect_from_chat extends Migration {

  override name = 'Migration20261201234927_connect_from_chat';

  override up(): void | Promise<void> {
    // authorizations in flight live minutes: those of the previous form are dropped
    this.addSql(`delete from "oauth_state";`);
    this.addSql(`alter table "oauth_state" drop column "used_at";`);
    this.addSql(`alter table "oauth_state" add "state_expires_at" timestamptz null;`);
    this.addSql(`alter table "oauth_state" add "ticket_hash" varchar(255) not null, add "browser_hash" varchar(255) null, add "connection_id" uuid null, add "sandbox_url" varchar(255) null, add "chat_identity" varchar(255) not null, add "state_used_at" timestamptz null, add "completed_at" timestamptz null;`);
    this.addSql(`alter table "oauth_state" alter column "state_hash" drop not null;`);
    this.addSql(`alter table "oauth_state" add constraint "oauth_state_ticket_hash_unique" unique ("ticket_hash");`);

    this.addSql(`alter table "marketplace_connection" add "reauth_told_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "marketplace_connection" drop column "reauth_told_at";`);

    this.addSql(`alter table "oauth_state" drop constraint "oauth_state_ticket_hash_unique";`);
    this.addSql(`alter table "oauth_state" drop column "ticket_hash", drop column "browser_hash", drop column "connection_id", drop column "sandbox_url", drop column "chat_identity", drop column "state_used_at", drop column "completed_at";`);
    this.addSql(`delete from "oauth_state";`);
    this.addSql(`alter table "oauth_state" alter column "state_hash" set not null;`);
    this.addSql(`alter table "oauth_state" drop column "state_expires_at";`);
    this.addSql(`alter table "oauth_state" add "used_at" timestamptz null;`);
  }

}

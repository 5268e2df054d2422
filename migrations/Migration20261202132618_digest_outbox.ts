import { Migration } from '@mikro-orm/migrations';

/**
 * The digest outbox: a seller's digest is composed and its chart drawn ahead of its time,
 * kept on its digest_delivery row (`reply`, `chart_png`) with the instant it is due
 * (`send_at`), and sent from there by every worker's sender (`state`, `claimed_at` the
 * lease, `attempts`). Rows from before were sent at once: they are `sent`.
 */
export class Migration20261202132618_digest_outbox extends Migration {

  override name = 'Migration20261202132618_digest_outbox';

  override up(): void | Promise<void> {
    this.addSql(`alter table "digest_delivery" add "state" text not null default 'sent', add "send_at" timestamptz null, add "reply" jsonb null, add "chart_png" bytea null, add "attempts" int not null default 0, add "claimed_at" timestamptz null, add "prepared_at" timestamptz not null default now();`);
    this.addSql(`alter table "digest_delivery" alter column "state" drop default;`);
    this.addSql(`alter table "digest_delivery" alter column "sent_at" drop default;`);
    this.addSql(`alter table "digest_delivery" alter column "sent_at" drop not null;`);
    this.addSql(`create index "digest_delivery_due_index" on "digest_delivery" ("send_at") where "state" in ('prepared', 'sending');`);
    this.addSql(`alter table "digest_delivery" add constraint "digest_delivery_state_check" check ("state" in ('prepared', 'sending', 'sent', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "digest_delivery_due_index";`);
    this.addSql(`alter table "digest_delivery" drop constraint "digest_delivery_state_check";`);
    this.addSql(`alter table "digest_delivery" drop column "state", drop column "send_at", drop column "reply", drop column "chart_png", drop column "attempts", drop column "claimed_at", drop column "prepared_at";`);
    this.addSql(`alter table "digest_delivery" alter column "sent_at" set default now();`);
    this.addSql(`alter table "digest_delivery" alter column "sent_at" set not null;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/**
 * Link codes gain a public selector (`KMT-482913`), so wrong guesses are limited per
 * code as well as per identity. Codes issued before (six digits, ten minutes at most)
 * are dropped: their holders ask again.
 */
export class Migration20261202025204_link_code_selector extends Migration {

  override name = 'Migration20261202025204_link_code_selector';

  override up(): void | Promise<void> {
    this.addSql(`delete from "link_code";`);
    this.addSql(`alter table "link_code" add "selector" varchar(3) not null, add "failures" int not null default 0;`);
    this.addSql(`create unique index "link_code_live_selector_unique" on "link_code" ("selector") where "used_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "link_code_live_selector_unique";`);
    this.addSql(`alter table "link_code" drop column "selector", drop column "failures";`);
  }

}

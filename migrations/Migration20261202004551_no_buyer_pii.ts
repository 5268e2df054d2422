import { Migration } from '@mikro-orm/migrations';

export class Migration20261202004551_no_buyer_pii extends Migration {

  override name = 'Migration20261202004551_no_buyer_pii';

  override up(): void | Promise<void> {
    // no answer needs a buyer's name or e-mail: they are no longer read, and those held go
    this.addSql(`alter table "unified_order" drop column "customer_name", drop column "customer_email";`);
    // Shopify records kept in quarantine carried the buyer (its \`customer\` object)
    this.addSql(`update "sync_quarantine" q set "payload" = (q."payload"::jsonb - 'customer')::text
      from "marketplace_connection" c
     where c."id" = q."connection_id" and c."marketplace" = 'shopify' and q."payload" is json object
       and q."payload"::jsonb ? 'customer';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "unified_order" add "customer_name" varchar(255) null, add "customer_email" varchar(255) null;`);
  }

}

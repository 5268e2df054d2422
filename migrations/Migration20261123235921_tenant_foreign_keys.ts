import { Migration } from '@mikro-orm/migrations';

export class Migration20261123235921_tenant_foreign_keys extends Migration {

  override name = 'Migration20261123235921_tenant_foreign_keys';

  override up(): void | Promise<void> {
    this.addSql(`alter table "unified_product" drop constraint "unified_product_user_id_foreign";`);

    this.addSql(`alter table "unified_order" drop constraint "unified_order_user_id_foreign";`);

    this.addSql(`alter table "unified_order_item" drop constraint "unified_order_item_connection_id_foreign";`);
    this.addSql(`alter table "unified_order_item" drop constraint "unified_order_item_user_id_foreign";`);

    this.addSql(`alter table "sync_run" drop constraint "sync_run_user_id_foreign";`);

    this.addSql(`alter table "sync_quarantine" drop constraint "sync_quarantine_user_id_foreign";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sync_quarantine" add constraint "sync_quarantine_user_id_foreign" foreign key ("user_id") references "user" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "sync_run" add constraint "sync_run_user_id_foreign" foreign key ("user_id") references "user" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "unified_order" add constraint "unified_order_user_id_foreign" foreign key ("user_id") references "user" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_user_id_foreign" foreign key ("user_id") references "user" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "unified_product" add constraint "unified_product_user_id_foreign" foreign key ("user_id") references "user" ("id") on update no action on delete cascade;`);
  }

}

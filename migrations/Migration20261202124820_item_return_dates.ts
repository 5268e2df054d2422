import { Migration } from '@mikro-orm/migrations';

/**
 * Returns dated by when they came back (`unified_order_item.returned_at`), for the
 * return-spike alert; orders with the product cancelled in the product rollup, for the
 * cancellation-spike alert (a new alert kind). Lines stored as returned before take
 * their order's last change at the source as the date (returns are usually it); every
 * seller's rollup is rebuilt at its next refresh to fill `cancelled_orders`.
 */
export class Migration20261202124820_item_return_dates extends Migration {

  override name = 'Migration20261202124820_item_return_dates';

  override up(): void | Promise<void> {
    this.addSql(`alter table "seller_alert" drop constraint "seller_alert_kind_check";`);
    this.addSql(`alter table "seller_alert" add constraint "seller_alert_kind_check" check ("kind" in ('sales_drop', 'return_spike', 'cancel_spike', 'stock_low', 'connection', 'large_order'));`);

    this.addSql(`alter table "unified_order_item" add "returned_at" timestamptz null;`);
    this.addSql(`create index "unified_order_item_user_id_returned_at_index" on "unified_order_item" ("user_id", "returned_at") where "returned_at" is not null;`);
    this.addSql(`update "unified_order_item" i set "returned_at" = o."source_updated_at" from "unified_order" o where o."id" = i."order_id" and i."returned_quantity" > 0;`);

    this.addSql(`alter table "product_rollup" add "cancelled_orders" int not null default 0;`);
    this.addSql(`delete from "sales_rollup_state";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "product_rollup" drop column "cancelled_orders";`);

    this.addSql(`alter table "seller_alert" drop constraint "seller_alert_kind_check";`);
    this.addSql(`alter table "seller_alert" add constraint "seller_alert_kind_check" check ("kind" in ('sales_drop', 'return_spike', 'stock_low', 'connection', 'large_order'));`);

    this.addSql(`drop index "unified_order_item_user_id_returned_at_index";`);
    this.addSql(`alter table "unified_order_item" drop column "returned_at";`);
  }

}

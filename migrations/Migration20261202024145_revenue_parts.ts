import { Migration } from '@mikro-orm/migrations';
import { REREAD_ORDERS_WITHOUT_NET_SALES } from '../src/sync/net-sales-backfill.ts';

/**
 * Revenue means net sales on every marketplace (issue 17): orders and lines keep the
 * parts of what the buyer paid. Rows stored before have none: their connections re-read
 * their order history at the next sync (net-sales-backfill.ts), and the rollup, derived
 * data, is rebuilt from the orders at the next refresh.
 */
export class Migration20261202024145_revenue_parts extends Migration {

  override name = 'Migration20261202024145_revenue_parts';

  override up(): void | Promise<void> {
    this.addSql(`alter table "unified_order" add "item_sales" numeric(20,4) null, add "discount_amount" numeric(20,4) null, add "net_sales" numeric(20,4) null, add "shipping_amount" numeric(20,4) null, add "tax_amount" numeric(20,4) null, add "net_sales_usd" numeric(20,4) null;`);

    this.addSql(`alter table "unified_order_item" add "discount_amount" numeric(20,4) null, add "net_sales" numeric(20,4) null, add "tax_amount" numeric(20,4) null;`);

    // rebuilt whole, with the new sums, by the next refresh (sales-rollup.ts)
    this.addSql(`delete from "sales_rollup";`);
    this.addSql(`delete from "sales_rollup_state";`);
    this.addSql(`delete from "sales_rollup_mark";`);
    this.addSql(`alter table "sales_rollup" add "collected" numeric(24,4) not null, add "collected_usd" numeric(24,4) not null, add "collected_without_usd" numeric(24,4) not null, add "orders_without_net_sales" int not null;`);

    this.addSql(`${REREAD_ORDERS_WITHOUT_NET_SALES};`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sales_rollup" drop column "collected", drop column "collected_usd", drop column "collected_without_usd", drop column "orders_without_net_sales";`);

    this.addSql(`alter table "unified_order" drop column "item_sales", drop column "discount_amount", drop column "net_sales", drop column "shipping_amount", drop column "tax_amount", drop column "net_sales_usd";`);

    this.addSql(`alter table "unified_order_item" drop column "discount_amount", drop column "net_sales", drop column "tax_amount";`);
  }

}

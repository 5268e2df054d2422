import { Migration } from '@mikro-orm/migrations';

export class Migration20261123210944_initial extends Migration {

  override name = 'Migration20261123210944_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "fx_rate" ("id" bigserial primary key, "rate_date" date not null, "base" varchar(3) not null, "quote" varchar(3) not null, "rate" numeric(24,10) not null, "source" varchar(255) not null, "fetched_at" timestamptz not null default now());`);
    this.addSql(`alter table "fx_rate" add constraint "fx_rate_rate_date_base_quote_unique" unique ("rate_date", "base", "quote");`);

    this.addSql(`create table "processed_event" ("id" bigserial primary key, "source" varchar(255) not null, "event_id" varchar(255) not null, "received_at" timestamptz not null default now());`);
    this.addSql(`create index "processed_event_received_at_index" on "processed_event" ("received_at");`);
    this.addSql(`alter table "processed_event" add constraint "processed_event_source_event_id_unique" unique ("source", "event_id");`);

    this.addSql(`create table "user" ("id" uuid not null, "display_name" varchar(255) null, "timezone" varchar(255) not null default 'UTC', "reporting_currency" varchar(3) not null default 'USD', "sync_tier" text not null default 'twice_daily', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "user" add constraint "user_sync_tier_check" check ("sync_tier" in ('every_15_minutes', 'hourly', 'every_6_hours', 'twice_daily', 'daily'));`);

    this.addSql(`create table "marketplace_connection" ("id" uuid not null, "user_id" uuid not null, "marketplace" text not null, "external_account_id" varchar(255) not null, "display_name" varchar(255) null, "region" varchar(255) null, "status" text not null default 'PENDING', "access_token_sealed" text null, "refresh_token_sealed" text null, "token_expires_at" timestamptz null, "scopes" text[] not null default '{}', "cursors" jsonb not null default '{}', "last_sync_at" timestamptz null, "last_error" text null, "connected_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "marketplace_connection" add constraint "marketplace_connection_user_id_marketplace_extern_30729_unique" unique ("user_id", "marketplace", "external_account_id");`);
    this.addSql(`alter table "marketplace_connection" add constraint "marketplace_connection_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
    this.addSql(`alter table "marketplace_connection" add constraint "marketplace_connection_status_check" check ("status" in ('PENDING', 'CONNECTED', 'NEEDS_REAUTH', 'ERROR', 'DISCONNECTED'));`);

    this.addSql(`create table "unified_product" ("id" bigserial primary key, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "external_id" varchar(255) not null, "title" text not null, "sku" varchar(255) null, "normalized_sku" varchar(255) null, "category" varchar(255) null, "price" numeric(20,4) null, "currency" varchar(3) null, "inventory" int null, "status" varchar(255) null, "image_url" text null, "source_updated_at" timestamptz null, "synced_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "unified_product_user_id_normalized_sku_index" on "unified_product" ("user_id", "normalized_sku");`);
    this.addSql(`create index "unified_product_user_id_marketplace_index" on "unified_product" ("user_id", "marketplace");`);
    this.addSql(`alter table "unified_product" add constraint "unified_product_connection_id_external_id_unique" unique ("connection_id", "external_id");`);
    this.addSql(`alter table "unified_product" add constraint "unified_product_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);

    this.addSql(`create table "unified_order" ("id" bigserial primary key, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "external_order_id" varchar(255) not null, "order_number" varchar(255) null, "status" text not null, "source_status" varchar(255) not null, "currency" varchar(3) not null, "total_amount" numeric(20,4) not null, "total_amount_usd" numeric(20,4) null, "fx_flag" text null, "item_count" int not null default 0, "customer_name" varchar(255) null, "customer_email" varchar(255) null, "is_refunded" boolean not null default false, "refunded_amount" numeric(20,4) null, "has_return" boolean not null default false, "ordered_at" timestamptz not null, "fulfilled_at" timestamptz null, "cancelled_at" timestamptz null, "source_updated_at" timestamptz not null, "synced_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "unified_order_user_id_ordered_at_index" on "unified_order" ("user_id", "ordered_at");`);
    this.addSql(`create index "unified_order_user_id_marketplace_ordered_at_index" on "unified_order" ("user_id", "marketplace", "ordered_at");`);
    this.addSql(`create index "unified_order_user_id_status_index" on "unified_order" ("user_id", "status");`);
    this.addSql(`create index "unified_order_connection_id_source_updated_at_index" on "unified_order" ("connection_id", "source_updated_at");`);
    this.addSql(`alter table "unified_order" add constraint "unified_order_connection_id_external_order_id_unique" unique ("connection_id", "external_order_id");`);
    this.addSql(`alter table "unified_order" add constraint "unified_order_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
    this.addSql(`alter table "unified_order" add constraint "unified_order_status_check" check ("status" in ('PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'));`);
    this.addSql(`alter table "unified_order" add constraint "unified_order_fx_flag_check" check ("fx_flag" in ('UNKNOWN_CURRENCY', 'RATE_MISSING'));`);

    this.addSql(`create table "unified_order_item" ("id" bigserial primary key, "order_id" bigint not null, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "product_id" bigint null, "external_item_id" varchar(255) not null, "external_product_id" varchar(255) null, "title" text not null, "sku" varchar(255) null, "normalized_sku" varchar(255) null, "quantity" int not null, "unit_price" numeric(20,4) not null, "total_price" numeric(20,4) not null, "currency" varchar(3) not null, "source_status" varchar(255) null, "is_cancelled" boolean not null default false, "is_returned" boolean not null default false, "returned_quantity" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "unified_order_item_user_id_normalized_sku_index" on "unified_order_item" ("user_id", "normalized_sku");`);
    this.addSql(`create index "unified_order_item_product_id_index" on "unified_order_item" ("product_id");`);
    this.addSql(`create index "unified_order_item_connection_id_index" on "unified_order_item" ("connection_id");`);
    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_order_id_external_item_id_unique" unique ("order_id", "external_item_id");`);
    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);

    this.addSql(`create table "sync_run" ("id" bigserial primary key, "user_id" uuid not null, "connection_id" uuid not null, "marketplace" text not null, "trigger" text not null, "status" text not null default 'running', "started_at" timestamptz not null, "finished_at" timestamptz null, "duration_ms" int null, "orders_upserted" int not null default 0, "items_upserted" int not null default 0, "products_upserted" int not null default 0, "returns_applied" int not null default 0, "quarantined" int not null default 0, "api_calls" int not null default 0, "throttled_calls" int not null default 0, "cursors_before" jsonb null, "cursors_after" jsonb null, "failure_kind" text null, "error" text null);`);
    this.addSql(`create index "sync_run_connection_id_started_at_index" on "sync_run" ("connection_id", "started_at");`);
    this.addSql(`create index "sync_run_user_id_started_at_index" on "sync_run" ("user_id", "started_at");`);
    this.addSql(`alter table "sync_run" add constraint "sync_run_marketplace_check" check ("marketplace" in ('shopify', 'flipkart', 'amazon'));`);
    this.addSql(`alter table "sync_run" add constraint "sync_run_trigger_check" check ("trigger" in ('scheduled', 'on_demand', 'manual', 'cron'));`);
    this.addSql(`alter table "sync_run" add constraint "sync_run_status_check" check ("status" in ('running', 'succeeded', 'failed', 'fenced'));`);
    this.addSql(`alter table "sync_run" add constraint "sync_run_failure_kind_check" check ("failure_kind" in ('temporary', 'auth_revoked', 'not_found', 'unknown'));`);

    this.addSql(`create table "chat_message" ("id" bigserial primary key, "user_id" uuid not null, "channel" text not null, "conversation_id" varchar(255) not null, "role" text not null, "content" text not null, "metadata" jsonb null, "input_tokens" int null, "output_tokens" int null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "chat_message_user_id_conversation_id_created_at_index" on "chat_message" ("user_id", "conversation_id", "created_at");`);
    this.addSql(`create index "chat_message_user_id_created_at_index" on "chat_message" ("user_id", "created_at");`);
    this.addSql(`alter table "chat_message" add constraint "chat_message_channel_check" check ("channel" in ('slack', 'whatsapp', 'terminal'));`);
    this.addSql(`alter table "chat_message" add constraint "chat_message_role_check" check ("role" in ('user', 'assistant'));`);

    this.addSql(`create table "channel_identity" ("id" uuid not null, "user_id" uuid not null, "channel" text not null, "external_id" varchar(255) not null, "display_name" varchar(255) null, "created_at" timestamptz not null default now(), "last_seen_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "channel_identity_user_id_index" on "channel_identity" ("user_id");`);
    this.addSql(`alter table "channel_identity" add constraint "channel_identity_channel_external_id_unique" unique ("channel", "external_id");`);
    this.addSql(`alter table "channel_identity" add constraint "channel_identity_channel_check" check ("channel" in ('slack', 'whatsapp', 'terminal'));`);

    this.addSql(`alter table "marketplace_connection" add constraint "marketplace_connection_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);

    this.addSql(`alter table "unified_product" add constraint "unified_product_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "unified_product" add constraint "unified_product_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);

    this.addSql(`alter table "unified_order" add constraint "unified_order_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "unified_order" add constraint "unified_order_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);

    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_order_id_foreign" foreign key ("order_id") references "unified_order" ("id") on delete cascade;`);
    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);
    this.addSql(`alter table "unified_order_item" add constraint "unified_order_item_product_id_foreign" foreign key ("product_id") references "unified_product" ("id") on delete set null;`);

    this.addSql(`alter table "sync_run" add constraint "sync_run_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
    this.addSql(`alter table "sync_run" add constraint "sync_run_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on delete cascade;`);

    this.addSql(`alter table "chat_message" add constraint "chat_message_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);

    this.addSql(`alter table "channel_identity" add constraint "channel_identity_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`);
  }

}

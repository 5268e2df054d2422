/** Closed vocabularies stored in the database (text columns with check constraints). */

export const MARKETPLACES = ['shopify', 'flipkart', 'amazon'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

/** Unified order status; mapping rules per marketplace live with each client (see API-FACTS.md). */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CONNECTION_STATUSES = ['PENDING', 'CONNECTED', 'NEEDS_REAUTH', 'ERROR', 'DISCONNECTED'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const CHANNELS = ['slack', 'whatsapp', 'terminal'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Sync frequency tiers (the seed's): 15 min, 1–2 h, 6–12 h, daily; default twice a day. */
export const SYNC_TIERS = ['every_15_minutes', 'hourly', 'every_6_hours', 'twice_daily', 'daily'] as const;
export type SyncTier = (typeof SYNC_TIERS)[number];

export const SYNC_TRIGGERS = ['scheduled', 'on_demand', 'manual', 'cron'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'fenced'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** Failure classes every marketplace client maps its errors to. */
export const FAILURE_KINDS = ['temporary', 'auth_revoked', 'not_found', 'unknown'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const CHAT_ROLES = ['user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** Currency conversion state of an order's USD amount. */
export const FX_FLAGS = ['UNKNOWN_CURRENCY', 'RATE_MISSING'] as const;
export type FxFlag = (typeof FX_FLAGS)[number];

/** What ShopIQ alerts a seller about on its own (src/insights/detectors.ts). */
export const ALERT_KINDS = [
  'sales_drop',
  'return_spike',
  'cancel_spike',
  'stock_low',
  'connection',
  'large_order',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What a message ShopIQ sends unasked is: a digest or an alert (picks its WhatsApp template). */
export type NoticeKind = 'digest' | AlertKind;

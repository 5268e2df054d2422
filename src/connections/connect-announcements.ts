/**
 * What ShopIQ says, unasked, about a marketplace connection: that it is connected (the
 * OAuth callback), how its first sync goes and how it ended (the backfill job), and
 * that it needs the seller to sign in again. In the seller's words only: a run's raw
 * error stays in the logs and sync_run.
 */
import { dayText } from '../analytics/period.ts';
import { MARKETPLACE_NAMES } from '../conversation/format/labels.ts';
import { type Reply, textReply } from '../conversation/reply.ts';
import type { FailureKind, Marketplace } from '../db/enums.ts';
import { AMAZON_MARKETPLACES } from '../marketplaces/amazon/amazon-app.ts';
import { providerFor } from '../marketplaces/marketplace-registry.ts';
import { localDate, localTime } from '../time/local-time.ts';

export const EXAMPLE_QUESTION = 'What were my total sales last month?';

const count = new Intl.NumberFormat('en-US');
const DAYS_PER_MONTH = 365.25 / 12;

/** A connection as the seller knows it: the marketplace and the account asked for (shop, Amazon marketplace). */
export interface ConnectionLabel {
  marketplace: Marketplace;
  /** Shopify shop domain, Amazon marketplace id; null for Flipkart. */
  account: string | null;
}

/** "my-shop.myshopify.com", "amazon.in": how the seller names the account; undefined when there is nothing to add. */
function accountText({ marketplace, account }: ConnectionLabel): string | undefined {
  if (!account) return undefined;
  if (marketplace === 'amazon') return AMAZON_MARKETPLACES[account]?.central.replace(/^sellercentral\./, '') ?? account;
  return account;
}

/** "Shopify (my-shop.myshopify.com)", "Flipkart". */
export function connectionName(label: ConnectionLabel): string {
  const account = accountText(label);
  return `${MARKETPLACE_NAMES[label.marketplace]}${account ? ` (${account})` : ''}`;
}

/** What the first sync reads: "24 months of orders", or the whole history where the source has no lower bound. */
function backfillSpan(marketplace: Marketplace): string {
  const days = providerFor(marketplace).backfillDays;
  return days === undefined ? 'your whole order history' : `${Math.round(days / DAYS_PER_MONTH)} months of orders`;
}

/** Said when the OAuth callback saved the connection: "Shopify connected (my-shop.myshopify.com): reading …". */
export function connectedText(marketplace: Marketplace, account: string | null): string {
  const named = accountText({ marketplace, account });
  return `${MARKETPLACE_NAMES[marketplace]} connected${named ? ` (${named})` : ''}: reading ${backfillSpan(marketplace)}…`;
}

export interface BackfillProgress {
  /** Records written so far (orders, products, returns). */
  done: number;
  /** What the source expects in all, where it says; never below `done`. */
  estimatedTotal: number | undefined;
  /** At the rate seen so far; undefined until there is a rate (and a total) to go on. */
  remainingMs: number | undefined;
}

/** "Loading Shopify (…): 1,200 of about 3,400 records read so far, about 2 min left." (or ", finishing up") */
export function progressText(label: ConnectionLabel, p: BackfillProgress): string {
  const total = p.estimatedTotal !== undefined ? ` of about ${count.format(p.estimatedTotal)}` : '';
  const left =
    p.estimatedTotal !== undefined && p.done >= p.estimatedTotal
      ? ', finishing up'
      : p.remainingMs !== undefined
        ? `, ${durationText(p.remainingMs)} left`
        : '';
  return `Loading ${connectionName(label)}: ${count.format(p.done)}${total} records read so far${left}.`;
}

/** The progress message's last state, once the reading is over. */
export function readText(label: ConnectionLabel, done: number): string {
  return `Loading ${connectionName(label)}: ${count.format(done)} records read.`;
}

export interface LoadedOrders {
  orders: number;
  first: Date | undefined;
  last: Date | undefined;
}

/** The backfill succeeded: what there is now, and something to ask. */
export function loadedText(label: ConnectionLabel, loaded: LoadedOrders, timezone: string): string {
  const { orders, first, last } = loaded;
  const what =
    orders === 0 || !first || !last
      ? 'it has no orders yet; new ones come in with every sync'
      : `${count.format(orders)} ${orders === 1 ? 'order' : 'orders'}, from ${dayText(localDate(first, timezone), true)} to ${dayText(localDate(last, timezone), true)}`;
  return `${connectionName(label)} is loaded: ${what}. Ask me anything about it, e.g. "${EXAMPLE_QUESTION}"`;
}

export interface BackfillFailure {
  kind: FailureKind;
  /** Records written before it stopped (they are kept). */
  done: number;
  /** The seller's next scheduled sync; undefined: none is scheduled. */
  nextSyncAt: Date | undefined;
  timezone: string;
}

/** The backfill failed: what failed, in the seller's words, and what ShopIQ does next. */
export function failedText(label: ConnectionLabel, f: BackfillFailure): string {
  const name = MARKETPLACE_NAMES[label.marketplace];
  const kept = f.done > 0 ? ` The ${count.format(f.done)} records read so far are kept.` : '';
  const retry = f.nextSyncAt
    ? `ShopIQ will try again at the next scheduled sync, ${localTime(f.nextSyncAt, f.timezone)}.`
    : 'ShopIQ will try again at the next sync (ask me a question, or type `sync`).';
  switch (f.kind) {
    case 'auth_revoked':
      return `Loading ${connectionName(label)} stopped: ${name} refused ShopIQ's access. Reconnect with \`${connectCommand(label)}\`.${kept}`;
    case 'not_found':
      return `Loading ${connectionName(label)} stopped: ${name} says this account does not exist or ShopIQ may not see it. Check it and connect again with \`${connectCommand(label)}\`.${kept}`;
    case 'temporary':
      return `Loading ${connectionName(label)} paused: ${name} is not answering properly just now.${kept} ${retry}`;
    case 'unknown':
      return `Loading ${connectionName(label)} failed on ShopIQ's side (it is logged for us to look at).${kept} ${retry}`;
  }
}

/** The backfill found the connection gone (disconnected before or while it ran). */
export function disconnectedText(label: ConnectionLabel): string {
  return `${connectionName(label)} was disconnected before it finished loading; connect it again with \`${connectCommand(label)}\`.`;
}

/** Told once when a connection needs the seller: the link opens the marketplace's sign-in. */
export function reauthReply(label: ConnectionLabel, url: string, linkDays: number): Reply {
  const name = MARKETPLACE_NAMES[label.marketplace];
  const account = accountText(label);
  return {
    ...textReply(
      `Your ${name} connection${account ? ` (${account})` : ''} needs you to sign in again: ${name} no longer accepts ShopIQ's access, so its data is not being refreshed. The link below works for ${linkDays} days; after that, type \`${connectCommand(label)}\`.`,
    ),
    actions: [{ label: `Sign in to ${name} again`, url }],
  };
}

/** The chat command that connects this account again. */
function connectCommand({ marketplace, account }: ConnectionLabel): string {
  return marketplace === 'shopify' && account ? `connect shopify ${account}` : `connect ${marketplace}`;
}

/** "less than a minute", "about 3 min", "about 1 h 20 min". */
function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `about ${minutes} min`;
  const rest = minutes % 60;
  return `about ${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}

/**
 * The commands every channel shares, answered without the model: one grammar whether
 * typed in Slack (`/shopiq status`), WhatsApp or the terminal. A message is a command
 * only when its first word is one and the rest fits that command; anything else is a
 * question ("sync status of amazon?" is a question, "sync amazon" a command).
 */

import { type AlertKind, MARKETPLACES, type Marketplace, type SyncTier } from '../db/enums.ts';

export type Command =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'sync'; marketplace?: Marketplace }
  | { name: 'connect'; marketplace?: string; account?: string }
  | { name: 'disconnect'; marketplace?: string; remove?: 'ask' | 'confirmed' }
  | { name: 'timezone'; zone?: string }
  | { name: 'currency'; code?: string }
  | { name: 'frequency'; tier?: SyncTier; asked?: string }
  | { name: 'link'; code?: string }
  /** `time` "HH:MM" sets it, null turns it off, undefined shows it (`asked`: what did not read as a time). */
  | { name: 'digest'; time?: string | null; asked?: string }
  /** No field: show them; `enabled`: on or off; `mute` (for `days`, else until unmuted) or `unmute` a kind. */
  | { name: 'alerts'; enabled?: boolean; mute?: AlertKind; days?: number; unmute?: AlertKind; asked?: string }
  /** `clock`: show (empty) or move the sandbox's clock ("09:00": the next 09:00, "+9h", "+1d"). */
  | { name: 'demo'; clock?: string };

export const COMMAND_HELP: Record<Command['name'], string> = {
  help: 'help: what ShopIQ can do',
  status: 'status: your marketplaces and how fresh their data is',
  sync: 'sync [shopify|flipkart|amazon]: refresh your data now',
  connect: 'connect <shopify|flipkart|amazon> [shop]: link a marketplace account',
  disconnect:
    'disconnect <shopify|flipkart|amazon> [delete]: unlink it; its data stays unless you add `delete` (asked to confirm)',
  timezone: 'timezone <zone, e.g. Asia/Kolkata>: the timezone your days and scheduled syncs follow',
  currency: 'currency <code, e.g. INR>: the currency answers are given in',
  frequency: 'frequency <every 15 minutes|hourly|every 6 hours|twice daily|daily>: how often your data is refreshed',
  link: 'link: a one-time code to use ShopIQ from another Slack account or WhatsApp; `link <code>` there joins it',
  digest:
    'digest [HH:MM|off]: your daily digest (yesterday across your marketplaces; last week on Mondays), sent to this chat at that time of your day',
  alerts:
    'alerts [on|off], alerts mute <sales-drop|return-spike|stock-low|connection|large-order> [for N days], alerts unmute <kind>: what I tell you unasked',
  demo: 'demo: look around with a demo store’s data (when the demo is on); demo clock [HH:MM|+Nh|+Nd]: move the sandbox’s time on',
};

/** Each sync tier as a seller reads it (and may write it: `frequency twice daily`). */
export const SYNC_TIER_NAMES: Record<SyncTier, string> = {
  every_15_minutes: 'every 15 minutes',
  hourly: 'hourly',
  every_6_hours: 'every 6 hours',
  twice_daily: 'twice daily',
  daily: 'daily',
};

/** How sellers say each sync tier ("every 15 minutes", "15 min", "twice a day"…). */
const TIER_WORDS: [RegExp, SyncTier][] = [
  [/^(every )?15 ?(minutes?|mins?|m)$|^quarter[- ]hourly$/, 'every_15_minutes'],
  [/^hourly$|^every hour$|^(every )?1 ?(hours?|h)$/, 'hourly'],
  [/^(every )?6 ?(hours?|h)$/, 'every_6_hours'],
  [/^twice (daily|a day)$|^(every )?12 ?(hours?|h)$|^2x daily$/, 'twice_daily'],
  [/^(once )?daily$|^once a day$|^every day$/, 'daily'],
];

export function parseSyncTier(text: string): SyncTier | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  return TIER_WORDS.find(([pattern]) => pattern.test(t))?.[1];
}

const isMarketplace = (word: string): word is Marketplace => (MARKETPLACES as readonly string[]).includes(word);

export function parseCommand(text: string): Command | undefined {
  const words = text
    .trim()
    .replace(/^\/?shopiq\s+/i, '')
    .split(/\s+/)
    .filter(Boolean);
  const [first, ...rest] = words;
  const head = first?.toLowerCase().replace(/[.!]$/, '');
  const arg = rest[0];
  switch (head) {
    case 'help':
    case '?':
      return rest.length === 0 ? { name: 'help' } : undefined;
    case 'status':
      return rest.length === 0 ? { name: 'status' } : undefined;
    case 'sync':
    case 'refresh': {
      if (rest.length === 0) return { name: 'sync' };
      const m = arg?.toLowerCase();
      return rest.length === 1 && m && isMarketplace(m) ? { name: 'sync', marketplace: m } : undefined;
    }
    case 'connect':
      return rest.length <= 2 ? { name: 'connect', marketplace: arg?.toLowerCase(), account: rest[1] } : undefined;
    case 'disconnect': {
      const [, del, confirm] = rest.map((w) => w.toLowerCase());
      if (rest.length <= 1) return { name: 'disconnect', marketplace: arg?.toLowerCase() };
      if (del !== 'delete' || (confirm !== undefined && confirm !== 'confirm') || rest.length > 3) return undefined;
      return { name: 'disconnect', marketplace: arg?.toLowerCase(), remove: confirm ? 'confirmed' : 'ask' };
    }
    case 'timezone':
    case 'tz':
      return rest.length <= 1 ? { name: 'timezone', zone: arg } : undefined;
    case 'currency':
      return rest.length <= 1 ? { name: 'currency', code: arg?.toUpperCase() } : undefined;
    case 'frequency': {
      if (rest.length === 0) return { name: 'frequency' };
      const asked = rest.join(' ');
      return rest.length <= 4 ? { name: 'frequency', tier: parseSyncTier(asked), asked } : undefined;
    }
    case 'link':
      if (rest.length === 0) return { name: 'link' };
      // anything short after `link` is taken as a code (one of another shape is answered as such)
      return rest.length <= 2 ? { name: 'link', code: rest.join(' ') } : undefined;
    case 'digest': {
      if (rest.length === 0) return { name: 'digest' };
      const asked = rest.join(' ');
      if (rest.length > 2) return undefined;
      if (/^(off|stop|none|no)$/i.test(asked)) return { name: 'digest', time: null };
      const time = parseClockTime(asked);
      return time ? { name: 'digest', time } : { name: 'digest', asked };
    }
    case 'alerts':
    case 'alert':
      return parseAlerts(rest.map((w) => w.toLowerCase()));
    case 'demo':
      if (rest.length === 0) return { name: 'demo' };
      return arg?.toLowerCase() === 'clock' && rest.length <= 2 ? { name: 'demo', clock: rest[1] ?? '' } : undefined;
    default:
      return undefined;
  }
}

/** "09:00", "9:30", "7", "7am", "6:45 pm" as a 24-hour "HH:MM"; undefined: not a time of day. */
export function parseClockTime(text: string): string | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** How sellers name each kind of alert: `alerts mute returns`, `alerts mute stock-low`. */
const ALERT_KIND_WORDS: [RegExp, AlertKind][] = [
  [/^(sales[-_ ]?drops?|sales|drops?)$/, 'sales_drop'],
  [/^(return[-_ ]?spikes?|returns?)$/, 'return_spike'],
  [/^(cancel(lation)?[-_ ]?spikes?|cancel(lation)?s?)$/, 'cancel_spike'],
  [/^(stock[-_ ]?low|stock[-_ ]?outs?|stock|inventory)$/, 'stock_low'],
  [/^(connections?|syncs?)$/, 'connection'],
  [/^(large[-_ ]?orders?|big[-_ ]?orders?|orders?)$/, 'large_order'],
];

export function parseAlertKind(word: string): AlertKind | undefined {
  return ALERT_KIND_WORDS.find(([pattern]) => pattern.test(word))?.[1];
}

function parseAlerts(words: string[]): Command | undefined {
  const [verb, kindWord, ...more] = words;
  if (words.length === 0) return { name: 'alerts' };
  if (words.length === 1 && (verb === 'on' || verb === 'off')) return { name: 'alerts', enabled: verb === 'on' };
  if (verb !== 'mute' && verb !== 'unmute')
    return words.length <= 3 ? { name: 'alerts', asked: words.join(' ') } : undefined;
  const kind = kindWord ? parseAlertKind(kindWord) : undefined;
  if (!kind) return words.length <= 5 ? { name: 'alerts', asked: words.join(' ') } : undefined;
  if (verb === 'unmute')
    return more.length === 0 ? { name: 'alerts', unmute: kind } : { name: 'alerts', asked: words.join(' ') };
  if (more.length === 0) return { name: 'alerts', mute: kind };
  // "for 7 days", "for a week", "7 days", "for 2 weeks"
  const m = /^(?:for )?(\d+|a|one) (days?|weeks?)$/.exec(more.join(' '));
  if (!m) return { name: 'alerts', asked: words.join(' ') };
  const n = /^\d+$/.test(m[1] as string) ? Number(m[1]) : 1;
  const days = (m[2] as string).startsWith('week') ? 7 * n : n;
  return days >= 1 && days <= 365 ? { name: 'alerts', mute: kind, days } : { name: 'alerts', asked: words.join(' ') };
}

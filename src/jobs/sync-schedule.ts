/**
 * When a seller's recurring sync runs: a cron expression per frequency tier, read in
 * the seller's own timezone. The default (`twice_daily`) is 02:00 and 14:00 local.
 *
 * Each seller keeps a fixed minute of the hour derived from its id (0–29 for the
 * daily tiers, spread over the whole period for the frequent ones), so ten thousand
 * sellers in one timezone do not all start at the same second.
 */
import { createHash } from 'node:crypto';
import type { SyncTier } from '../db/enums.ts';
import { validTimezone } from '../time/local-time.ts';

export interface SyncSchedule {
  cron: string;
  timezone: string;
}

export function syncScheduleFor(userId: string, tier: SyncTier, timezone: string): SyncSchedule {
  return { cron: cronFor(userId, tier), timezone: validTimezone(timezone) ? timezone : 'UTC' };
}

function cronFor(userId: string, tier: SyncTier): string {
  switch (tier) {
    case 'every_15_minutes': {
      const m = minuteOf(userId, 15);
      return `${m},${m + 15},${m + 30},${m + 45} * * * *`;
    }
    case 'hourly':
      return `${minuteOf(userId, 60)} * * * *`;
    case 'every_6_hours':
      return `${minuteOf(userId, 30)} 2,8,14,20 * * *`;
    case 'twice_daily':
      return `${minuteOf(userId, 30)} 2,14 * * *`;
    case 'daily':
      return `${minuteOf(userId, 30)} 2 * * *`;
  }
}

/**
 * The seller's digest: daily at their local "HH:MM" (the job itself tells Monday's
 * weekly digest from the others). DST is Agenda's: a time that does not exist that day
 * runs at the next that does, one that happens twice runs once.
 */
export function digestScheduleFor(time: string, timezone: string): SyncSchedule {
  const [hh = '9', mm = '0'] = time.split(':');
  return { cron: `${Number(mm)} ${Number(hh)} * * *`, timezone: validTimezone(timezone) ? timezone : 'UTC' };
}

/** A minute in [0, span), the same for a seller every time. */
function minuteOf(userId: string, span: number): number {
  return createHash('sha256').update(userId).digest().readUInt32BE(0) % span;
}

/** "at 02:17 and 14:17 Asia/Kolkata time", "every hour at :07, :22, :37 and :52 UTC time". */
export function describeSchedule({ cron, timezone }: SyncSchedule): string {
  const [minutes = '0', hours = '*'] = cron.split(' ');
  const mm = minutes.split(',').map((m) => m.padStart(2, '0'));
  const list = (items: string[]) =>
    items.length === 1 ? (items[0] as string) : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  const when =
    hours === '*'
      ? `every hour at ${list(mm.map((m) => `:${m}`))}`
      : `at ${list(hours.split(',').flatMap((h) => mm.map((m) => `${h.padStart(2, '0')}:${m}`)))}`;
  return `${when} ${timezone} time`;
}

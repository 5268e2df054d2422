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
import { addDays, instantOf, localDate, validTimezone } from '../time/local-time.ts';

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
 * When the seller's digest is prepared: daily `leadMinutes` before their local "HH:MM"
 * (digest-outbox.ts composes and draws it then; every worker's sender delivers it at
 * the digest time; the job itself tells Monday's weekly digest from the others). DST is
 * Agenda's: a time that does not exist that day runs at the next that does, one that
 * happens twice runs once.
 */
export function digestScheduleFor(time: string, timezone: string, leadMinutes = 0): SyncSchedule {
  const [hh = '9', mm = '0'] = time.split(':');
  const at = (((Number(hh) * 60 + Number(mm) - leadMinutes) % 1440) + 1440) % 1440;
  return { cron: `${at % 60} ${Math.floor(at / 60)} * * *`, timezone: validTimezone(timezone) ? timezone : 'UTC' };
}

/**
 * The digest-time instant a prepare run at `runAt` is for: the last time the seller's
 * "HH:MM" falls, in their zone, at or before `runAt` plus the lead (and a minute's slack
 * for a run a little late). A run hours late (its worker was down) is for the digest
 * that fell due meanwhile: it is sent at once.
 */
export function digestDueAt(runAt: Date, time: string, timezone: string, leadMinutes: number): Date {
  const zone = validTimezone(timezone) ? timezone : 'UTC';
  const horizon = runAt.getTime() + (leadMinutes + 1) * 60_000;
  const today = localDate(new Date(horizon), zone);
  const due = instantOf(today, time, zone);
  return due.getTime() <= horizon ? due : instantOf(addDays(today, -1), time, zone);
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

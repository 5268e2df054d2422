/**
 * Instants as a seller reads them, in their IANA timezone (the platform's Intl data:
 * daylight-saving rules included), and calendar-day arithmetic on "YYYY-MM-DD" dates.
 */

export function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Current IANA names of zones the platform's ICU data still calls by an older alias. */
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

/**
 * A zone as the seller typed it, spelled as IANA spells it ("asia/kolkata" →
 * "Asia/Kolkata"), old aliases replaced by their current names ("Asia/Calcutta" →
 * "Asia/Kolkata"); undefined: not a zone.
 */
export function canonicalTimezone(zone: string): string | undefined {
  const cached = CANONICAL.get(zone);
  if (cached !== undefined || CANONICAL.has(zone)) return cached;
  const name = canonicalName(zone);
  // every answer asks this of its seller's zone: Intl's lists and formatters are built once a zone
  if (CANONICAL.size < 10_000) CANONICAL.set(zone, name);
  return name;
}

const CANONICAL = new Map<string, string | undefined>();
let knownZones: Map<string, string> | undefined;

function canonicalName(zone: string): string | undefined {
  if (!validTimezone(zone)) return undefined;
  knownZones ??= new Map(
    [...Intl.supportedValuesOf('timeZone'), ...Object.values(RENAMED), 'UTC'].map((z) => [z.toLowerCase(), z]),
  );
  const name =
    knownZones.get(zone.toLowerCase()) ??
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  return RENAMED[name] ?? name;
}

/** One formatter a zone: building one costs more than formatting with it. */
const PARTS_FORMAT = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timezone: string): Record<string, string> {
  let format = PARTS_FORMAT.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    PARTS_FORMAT.set(timezone, format);
  }
  return Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
}

/** "2026-11-25 02:17 (Asia/Kolkata)": an instant as the seller reads it. */
export function localTime(at: Date, timezone: string): string {
  const parts = localParts(at, timezone);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timezone})`;
}

/** The seller's calendar day at an instant: "2026-11-25". */
export function localDate(at: Date, timezone: string): string {
  const parts = localParts(at, timezone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A calendar date as year, month (1–12), day. */
export function dateParts(date: string): { year: number; month: number; day: number } {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  return { year, month, day };
}

/** "YYYY-MM-DD" of a year, month (1–12, overflow rolls into the next years) and day (overflow rolls too). */
export function makeDate(year: number, month: number, day = 1): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const { year, month, day } = dateParts(date);
  return makeDate(year, month, day + days);
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** "Tuesday" for a date. */
export const weekdayName = (date: string): string => WEEKDAY_NAMES[weekday(date) - 1] as string;

/** ISO weekday: 1 Monday … 7 Sunday. */
export function weekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/**
 * The instant a local date and "HH:MM" fall on in a zone. A time that does not exist
 * that day (clocks moved forward over it) is the instant the same wall time would be
 * an hour on; one that happens twice is its first.
 */
export function instantOf(date: string, time: string, timezone: string): Date {
  const { year, month, day } = dateParts(date);
  const [hh = 0, mm = 0] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, day, hh, mm);
  const offsetAt = (at: number) => {
    const p = localParts(new Date(at), timezone);
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - at;
  };
  // the zone's offsets a day and a half either side: a change of offset that day lies between
  const before = offsetAt(wall - 36 * 3_600_000);
  const after = offsetAt(wall + 36 * 3_600_000);
  const fits = (at: number) => at + offsetAt(at) === wall;
  const candidates = [wall - before, wall - after].filter(fits).sort((a, b) => a - b);
  // none fits in the hour clocks skip: read it with the offset before the change (an hour on)
  return new Date(candidates[0] ?? wall - before);
}

/**
 * Which days a question is about, in the seller's timezone: "last month" asked on
 * 2 Nov in Kolkata is 1–31 Oct there, whatever UTC says. A period is a half-open run of
 * local calendar days [start, end); queries turn its bounds into instants with the
 * seller's zone (`analytics-sql.ts`). A period that reaches today stops at today
 * (`toDate`): its figures are as of the moment asked.
 *
 * Weeks start on Monday (ISO 8601); quarters are calendar quarters.
 */
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import { addDays, dateParts, daysBetween, localDate, makeDate, weekday } from '../time/local-time.ts';

export const NAMED_PERIODS = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'last_quarter',
  'this_year',
  'last_year',
] as const;
export type NamedPeriod = (typeof NAMED_PERIODS)[number];

/** The longest period a question may cover. */
export const MAX_PERIOD_DAYS = 3660;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/**
 * A period as a tool takes it: a named one, the last N days, a month by number (the
 * latest one that has begun when no year is given), or an explicit range of days.
 */
export const periodSpecSchema = z.union([
  z.object({ kind: z.literal('named'), name: z.enum(NAMED_PERIODS) }),
  z.object({ kind: z.literal('last_days'), days: z.number().int().min(1).max(MAX_PERIOD_DAYS) }),
  z.object({
    kind: z.literal('month'),
    month: z.number().int().min(1).max(12),
    year: z.number().int().min(2000).max(2100).optional(),
  }),
  z.object({ kind: z.literal('range'), from: isoDate, to: isoDate }),
]);
export type PeriodSpec = z.infer<typeof periodSpecSchema>;

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface Period {
  /** First local day. */
  start: string;
  /** The day after the last one. */
  end: string;
  timezone: string;
  /** What it is called and which days it holds: "last month (1–31 Oct 2026)". */
  label: string;
  /** It reaches today: figures are as of now. */
  toDate: boolean;
  /** A calendar unit it is (or the start of), for the period before it. */
  unit: Unit | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function resolvePeriod(spec: PeriodSpec, now: Date, timezone: string): Period {
  const today = localDate(now, timezone);
  const { year, month } = dateParts(today);
  const span = (start: string, end: string, name: string | undefined, unit?: Unit) =>
    bounded(start, end, today, timezone, name, unit);
  switch (spec.kind) {
    case 'named':
      switch (spec.name) {
        case 'today':
          return span(today, addDays(today, 1), 'today', 'day');
        case 'yesterday':
          return span(addDays(today, -1), today, 'yesterday', 'day');
        case 'this_week':
          return span(weekStart(today), addDays(weekStart(today), 7), 'this week', 'week');
        case 'last_week':
          return span(addDays(weekStart(today), -7), weekStart(today), 'last week', 'week');
        case 'this_month':
          return span(makeDate(year, month), makeDate(year, month + 1), 'this month', 'month');
        case 'last_month':
          return span(makeDate(year, month - 1), makeDate(year, month), 'last month', 'month');
        case 'this_quarter':
          return span(quarterStart(today), addMonths(quarterStart(today), 3), 'this quarter', 'quarter');
        case 'last_quarter':
          return span(addMonths(quarterStart(today), -3), quarterStart(today), 'last quarter', 'quarter');
        case 'this_year':
          return span(makeDate(year, 1), makeDate(year + 1, 1), 'this year', 'year');
        case 'last_year':
          return span(makeDate(year - 1, 1), makeDate(year, 1), 'last year', 'year');
      }
      break;
    case 'last_days':
      return span(addDays(today, 1 - spec.days), addDays(today, 1), `the last ${spec.days} days`);
    case 'month': {
      const inYear = spec.year ?? (spec.month <= month ? year : year - 1);
      return span(makeDate(inYear, spec.month), makeDate(inYear, spec.month + 1), undefined, 'month');
    }
    case 'range': {
      if (spec.to < spec.from) throw new AppError('BAD_REQUEST', `the range ends (${spec.to}) before it starts`);
      return span(spec.from, addDays(spec.to, 1), undefined);
    }
  }
  throw new AppError('BAD_REQUEST', 'unknown period');
}

/**
 * The period to compare a period with: the calendar unit before it (October for
 * November), cut to the same number of days when the period is to date (1–23 Oct for
 * 1–23 Nov), or the same number of days just before it. Its label says which of these
 * it is ("the same days of October (1–23 Oct 2026)"), so a comparison names both plainly.
 */
export function precedingPeriod(period: Period): Period {
  const days = daysBetween(period.start, period.end);
  const { unit } = period;
  if (unit === undefined || unit === 'day' || unit === 'week') {
    const step = unit === 'week' ? 7 : days;
    const start = addDays(period.start, -step);
    const wholeWeek = unit === 'week' && days === 7;
    const name =
      unit === 'week'
        ? wholeWeek
          ? undefined
          : 'the same days of last week'
        : unit === 'day' && period.toDate
          ? 'yesterday'
          : days === 1
            ? 'the day before'
            : `the ${days} days before`;
    return describe(start, addDays(start, days), period.timezone, false, wholeWeek ? unit : undefined, name);
  }
  const start = addMonths(period.start, -UNIT_MONTHS[unit]);
  const whole = addMonths(start, UNIT_MONTHS[unit]);
  const end = period.toDate ? minDate(addDays(start, days), whole) : whole;
  if (end === whole) return describe(start, end, period.timezone, false, unit);
  const same = `the same ${days === 1 ? 'day' : 'days'} of ${calendarName(start, unit, dateParts(period.start).year)}`;
  return describe(start, end, period.timezone, false, undefined, same);
}

const UNIT_MONTHS = { month: 1, quarter: 3, year: 12 } as const;

function bounded(
  start: string,
  end: string,
  today: string,
  timezone: string,
  name: string | undefined,
  unit: Unit | undefined,
): Period {
  if (start > today) throw new AppError('BAD_REQUEST', `the period starting ${start} has not begun yet`);
  const tomorrow = addDays(today, 1);
  const toDate = end >= tomorrow;
  const clipped = toDate ? tomorrow : end;
  if (daysBetween(start, clipped) > MAX_PERIOD_DAYS) {
    throw new AppError('BAD_REQUEST', `a period can cover at most ${MAX_PERIOD_DAYS} days`);
  }
  return describe(start, clipped, timezone, toDate, unit, name);
}

function describe(
  start: string,
  end: string,
  timezone: string,
  toDate: boolean,
  unit: Unit | undefined,
  name?: string,
): Period {
  const last = addDays(end, -1);
  const days = daysText(start, last);
  const whole = unitName(start, unit, toDate);
  const called = name ?? whole;
  // "so far" only where the name alone reads as the whole unit ("this month"), not "the last 7 days"
  const soFar = toDate && unit !== undefined && unit !== 'day';
  const label = called ? `${called}${soFar ? ' so far' : ''} (${days})` : `${days}${toDate ? ' (so far)' : ''}`;
  return { start, end, timezone, label, toDate, unit };
}

/** "October 2026", "Q3 2026", "2025": a calendar unit by its own name. */
function unitName(start: string, unit: Unit | undefined, toDate: boolean): string | undefined {
  if (unit === 'week') return toDate ? 'this week' : `the week of ${dayText(start, true)}`;
  return unit === undefined || unit === 'day' ? undefined : calendarName(start, unit);
}

/** A month, quarter or year by name, without the year when it is `inYear` ("October", "Q3 2025"). */
function calendarName(start: string, unit: 'month' | 'quarter' | 'year', inYear?: number): string {
  const { year, month } = dateParts(start);
  if (unit === 'year') return String(year);
  const name = unit === 'month' ? fullMonth(month) : `Q${Math.floor((month - 1) / 3) + 1}`;
  return year === inYear ? name : `${name} ${year}`;
}

/** "23 Nov 2026", "1–31 Oct 2026", "28 Oct – 3 Nov 2026", "15 Dec 2025 – 10 Jan 2026". */
function daysText(first: string, last: string): string {
  if (first === last) return dayText(first, true);
  const a = dateParts(first);
  const b = dateParts(last);
  if (a.year !== b.year) return `${dayText(first, true)} – ${dayText(last, true)}`;
  if (a.month !== b.month) return `${dayText(first, false)} – ${dayText(last, true)}`;
  return `${a.day}–${dayText(last, true)}`;
}

/** "23 Nov 2026", or "23 Nov". */
export function dayText(date: string, withYear: boolean): string {
  const { year, month, day } = dateParts(date);
  return `${day} ${MONTHS[month - 1]}${withYear ? ` ${year}` : ''}`;
}

/** "Oct 2026" for "2026-10". */
export function monthText(yearMonth: string): string {
  const { year, month } = dateParts(`${yearMonth}-01`);
  return `${MONTHS[month - 1]} ${year}`;
}

function fullMonth(month: number): string {
  return new Date(Date.UTC(2000, month - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
}

function weekStart(date: string): string {
  return addDays(date, 1 - weekday(date));
}

function quarterStart(date: string): string {
  const { year, month } = dateParts(date);
  return makeDate(year, month - ((month - 1) % 3));
}

/** The first day of the month `months` away from the month of `date`. */
function addMonths(date: string, months: number): string {
  const { year, month } = dateParts(date);
  return makeDate(year, month + months);
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

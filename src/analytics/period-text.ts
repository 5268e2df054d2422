/**
 * Periods as sellers write them ("last month", "in March", "past 7 days", "the last
 * seven days", "last 3 months", "Q3 2026", "in 2025", "month till date",
 * "2026-01-01 to 2026-01-31"), for the answers given without the model. The first
 * phrase found wins; none: undefined (the caller picks a default).
 *
 * Without a clock: "last 3 months" is the last 91 days (months of 30.44 days), and a
 * quarter needs its year.
 */
import { MAX_PERIOD_DAYS, type NamedPeriod, type PeriodSpec } from './period.ts';

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const NAMED: [RegExp, NamedPeriod][] = [
  [/\btoday\b/, 'today'],
  [/\byesterday\b/, 'yesterday'],
  [/\b(this|current) week\b|\bweek (to|till) date\b/, 'this_week'],
  [/\b(last|previous) week\b/, 'last_week'],
  [/\b(this|current) month\b|\bmonth (to|till) date\b|\bmtd\b/, 'this_month'],
  [/\b(last|previous) month\b/, 'last_month'],
  [/\b(this|current) quarter\b/, 'this_quarter'],
  [/\b(last|previous) quarter\b/, 'last_quarter'],
  [/\b(this|current) year\b|\byear (to|till) date\b|\bytd\b/, 'this_year'],
  [/\b(last|previous) year\b/, 'last_year'],
];

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  thirty: 30,
  sixty: 60,
  ninety: 90,
};

/** Days in a unit, for "the last N <unit>s" and "the past <unit>". */
const UNIT_DAYS: Record<string, number> = { hour: 1 / 24, day: 1, week: 7, fortnight: 14, month: 30.44, year: 365 };

export function parsePeriodText(text: string): PeriodSpec | undefined {
  const t = text.toLowerCase();
  const range = /(\d{4}-\d{2}-\d{2})\s*(?:to|until|till|-|–|\.\.)\s*(\d{4}-\d{2}-\d{2})/.exec(t);
  if (range) return { kind: 'range', from: range[1] as string, to: range[2] as string };
  const words = Object.keys(NUMBER_WORDS).join('|');
  const lastN = new RegExp(
    `\\b(?:last|past|previous)\\s+(\\d{1,4}|${words})\\s+(hour|day|week|fortnight|month|year)s?\\b`,
  ).exec(t);
  if (lastN) {
    const count = NUMBER_WORDS[lastN[1] as string] ?? Number(lastN[1]);
    return lastDays(count * (UNIT_DAYS[lastN[2] as string] ?? 1));
  }
  // "the past month" is the last 30 days; "last month" the calendar month before this one
  const pastUnit = /\b(?:past|last)\s+(fortnight)\b|\bpast\s+(week|month|year)\b/.exec(t);
  if (pastUnit) return lastDays(UNIT_DAYS[(pastUnit[1] ?? pastUnit[2]) as string] ?? 1);
  for (const [pattern, name] of NAMED) if (pattern.test(t)) return { kind: 'named', name };
  const quarter = /\bq([1-4])\s*(?:of\s+)?(\d{4})\b/.exec(t);
  if (quarter) {
    const [q, year] = [Number(quarter[1]), quarter[2] as string];
    const last = String(q * 3).padStart(2, '0');
    return {
      kind: 'range',
      from: `${year}-${String(q * 3 - 2).padStart(2, '0')}-01`,
      to: `${year}-${last}-${q === 1 || q === 4 ? 31 : 30}`,
    };
  }
  const month = new RegExp(
    `\\b(${MONTH_NAMES.join('|')}|sept|${MONTH_NAMES.map((m) => m.slice(0, 3)).join('|')})\\b(?:\\s+(\\d{4}))?`,
  ).exec(t);
  // "may" is also a verb: only as a month when a year follows or "in"/"for" comes before
  if (month && (month[1] !== 'may' || month[2] || /\b(in|for|of|during)\s+may\b/.test(t))) {
    const index = MONTH_NAMES.findIndex((m) => m.startsWith((month[1] as string).slice(0, 3))) + 1;
    return { kind: 'month', month: index, ...(month[2] ? { year: Number(month[2]) } : {}) };
  }
  const year = /\b(?:in|for|of|during|year)\s+(20\d{2})\b/.exec(t);
  if (year) return { kind: 'range', from: `${year[1]}-01-01`, to: `${year[1]}-12-31` };
  return undefined;
}

function lastDays(days: number): PeriodSpec {
  return { kind: 'last_days', days: Math.min(MAX_PERIOD_DAYS, Math.max(1, Math.round(days))) };
}

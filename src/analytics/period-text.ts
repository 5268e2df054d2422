/**
 * Periods as sellers write them ("last month", "in March", "past 7 days", "Q3",
 * "2026-01-01 to 2026-01-31"), for the answers given without the model. The first
 * phrase found wins; none: undefined (the caller picks a default).
 */
import type { NamedPeriod, PeriodSpec } from './period.ts';

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
  [/\b(this|current) week\b|\bweek to date\b/, 'this_week'],
  [/\b(last|previous|past) week\b/, 'last_week'],
  [/\b(this|current) month\b|\bmonth to date\b|\bmtd\b/, 'this_month'],
  [/\b(last|previous) month\b/, 'last_month'],
  [/\b(this|current) quarter\b/, 'this_quarter'],
  [/\b(last|previous) quarter\b/, 'last_quarter'],
  [/\b(this|current) year\b|\byear to date\b|\bytd\b/, 'this_year'],
  [/\b(last|previous) year\b/, 'last_year'],
];

export function parsePeriodText(text: string): PeriodSpec | undefined {
  const t = text.toLowerCase();
  const range = /(\d{4}-\d{2}-\d{2})\s*(?:to|until|till|-|–|\.\.)\s*(\d{4}-\d{2}-\d{2})/.exec(t);
  if (range) return { kind: 'range', from: range[1] as string, to: range[2] as string };
  const lastDays = /\b(?:last|past|previous)\s+(\d{1,4})\s+days?\b/.exec(t);
  if (lastDays) return { kind: 'last_days', days: Math.min(3660, Math.max(1, Number(lastDays[1]))) };
  const lastWeeks = /\b(?:last|past|previous)\s+(\d{1,3})\s+weeks?\b/.exec(t);
  if (lastWeeks) return { kind: 'last_days', days: Math.min(3660, 7 * Number(lastWeeks[1])) };
  for (const [pattern, name] of NAMED) if (pattern.test(t)) return { kind: 'named', name };
  const month = new RegExp(
    `\\b(${MONTH_NAMES.join('|')}|${MONTH_NAMES.map((m) => m.slice(0, 3)).join('|')})\\b(?:\\s+(\\d{4}))?`,
  ).exec(t);
  // "may" is also a verb: only as a month when a year follows or "in"/"for" comes before
  if (month && (month[1] !== 'may' || month[2] || /\b(in|for|of|during)\s+may\b/.test(t))) {
    const index = MONTH_NAMES.findIndex((m) => m.startsWith(month[1] as string)) + 1;
    return { kind: 'month', month: index, ...(month[2] ? { year: Number(month[2]) } : {}) };
  }
  return undefined;
}

import { describe, expect, it } from 'vitest';
import { type PeriodSpec, precedingPeriod, resolvePeriod } from '../../src/analytics/period.ts';

const at = (iso: string) => new Date(iso);
const named = (name: string) => ({ kind: 'named', name }) as PeriodSpec;
const days = (p: { start: string; end: string }) => [p.start, p.end];

describe('period resolution in the seller’s timezone', () => {
  // Monday 2 Nov 2026, 01:30 in Kolkata; still Sunday 1 Nov in UTC and 31 Oct in New York
  const now = at('2026-11-01T20:00:00Z');

  it('reads "today", "yesterday" and "last month" on the seller’s calendar, not UTC’s', () => {
    expect(days(resolvePeriod(named('today'), now, 'Asia/Kolkata'))).toEqual(['2026-11-02', '2026-11-03']);
    expect(days(resolvePeriod(named('today'), now, 'America/New_York'))).toEqual(['2026-11-01', '2026-11-02']);
    expect(days(resolvePeriod(named('yesterday'), now, 'Asia/Kolkata'))).toEqual(['2026-11-01', '2026-11-02']);
    const last = resolvePeriod(named('last_month'), now, 'Asia/Kolkata');
    expect(last).toEqual({
      start: '2026-10-01',
      end: '2026-11-01',
      timezone: 'Asia/Kolkata',
      label: 'last month (1–31 Oct 2026)',
      toDate: false,
      unit: 'month',
    });
    expect(days(resolvePeriod(named('last_month'), at('2026-11-01T03:00:00Z'), 'America/Los_Angeles'))).toEqual([
      '2026-09-01',
      '2026-10-01',
    ]);
  });

  it('stops a period that reaches today at today, and says so', () => {
    const month = resolvePeriod(named('this_month'), at('2026-11-23T10:00:00Z'), 'UTC');
    expect(month).toMatchObject({ start: '2026-11-01', end: '2026-11-24', toDate: true });
    expect(month.label).toBe('this month so far (1–23 Nov 2026)');
    expect(resolvePeriod(named('today'), now, 'UTC').label).toBe('today (1 Nov 2026)');
  });

  it('starts weeks on Monday and quarters with the calendar', () => {
    const wednesday = at('2026-11-25T12:00:00Z');
    expect(days(resolvePeriod(named('this_week'), wednesday, 'UTC'))).toEqual(['2026-11-23', '2026-11-26']);
    const lastWeek = resolvePeriod(named('last_week'), wednesday, 'UTC');
    expect(days(lastWeek)).toEqual(['2026-11-16', '2026-11-23']);
    expect(lastWeek.label).toBe('last week (16–22 Nov 2026)');
    expect(days(resolvePeriod(named('this_quarter'), wednesday, 'UTC'))).toEqual(['2026-10-01', '2026-11-26']);
    const lastQuarter = resolvePeriod(named('last_quarter'), at('2026-01-15T12:00:00Z'), 'UTC');
    expect(lastQuarter).toMatchObject({
      start: '2025-10-01',
      end: '2026-01-01',
      label: 'last quarter (1 Oct – 31 Dec 2025)',
    });
    expect(days(resolvePeriod(named('last_year'), wednesday, 'UTC'))).toEqual(['2025-01-01', '2026-01-01']);
  });

  it('counts the last N days with today, and names months by their latest start', () => {
    const wednesday = at('2026-11-25T12:00:00Z');
    const thirty = resolvePeriod({ kind: 'last_days', days: 30 }, wednesday, 'UTC');
    expect(thirty).toMatchObject({ start: '2026-10-27', end: '2026-11-26', toDate: true });
    expect(thirty.label).toBe('the last 30 days (27 Oct – 25 Nov 2026)');
    const march = resolvePeriod({ kind: 'month', month: 3 }, wednesday, 'UTC');
    expect(march).toMatchObject({ start: '2026-03-01', end: '2026-04-01', label: 'March 2026 (1–31 Mar 2026)' });
    expect(days(resolvePeriod({ kind: 'month', month: 12 }, wednesday, 'UTC'))).toEqual(['2025-12-01', '2026-01-01']);
    expect(days(resolvePeriod({ kind: 'month', month: 2, year: 2024 }, wednesday, 'UTC'))).toEqual([
      '2024-02-01',
      '2024-03-01',
    ]);
  });

  it('takes explicit ranges inclusively, and refuses ones that are backwards, not begun, or too long', () => {
    const wednesday = at('2026-11-25T12:00:00Z');
    const range = resolvePeriod({ kind: 'range', from: '2026-09-15', to: '2026-10-10' }, wednesday, 'UTC');
    expect(range).toMatchObject({
      start: '2026-09-15',
      end: '2026-10-11',
      label: '15 Sep – 10 Oct 2026',
      toDate: false,
    });
    const across = resolvePeriod({ kind: 'range', from: '2025-12-15', to: '2026-01-10' }, wednesday, 'UTC');
    expect(across.label).toBe('15 Dec 2025 – 10 Jan 2026');
    expect(() => resolvePeriod({ kind: 'range', from: '2026-10-10', to: '2026-09-15' }, wednesday, 'UTC')).toThrow(
      /ends .* before it starts/,
    );
    expect(() => resolvePeriod({ kind: 'range', from: '2027-01-01', to: '2027-01-31' }, wednesday, 'UTC')).toThrow(
      /has not begun/,
    );
    expect(() => resolvePeriod({ kind: 'range', from: '2010-01-01', to: '2026-01-31' }, wednesday, 'UTC')).toThrow(
      /at most/,
    );
  });

  it('compares with the unit before, cut to the same days when the period is to date', () => {
    const asked = at('2026-11-23T10:00:00Z');
    const before = precedingPeriod(resolvePeriod(named('this_month'), asked, 'UTC'));
    expect(before).toMatchObject({
      start: '2026-10-01',
      end: '2026-10-24',
      toDate: false,
      label: 'the same days of October (1–23 Oct 2026)',
    });
    const october = precedingPeriod(resolvePeriod(named('last_month'), asked, 'UTC'));
    expect(october).toMatchObject({ start: '2026-09-01', end: '2026-10-01', label: 'September 2026 (1–30 Sep 2026)' });
    // 31 March to date compares with all of February, not 3 March
    const march = precedingPeriod(resolvePeriod(named('this_month'), at('2026-03-31T12:00:00Z'), 'UTC'));
    expect(days(march)).toEqual(['2026-02-01', '2026-03-01']);
    expect(days(precedingPeriod(resolvePeriod(named('last_quarter'), asked, 'UTC')))).toEqual([
      '2026-04-01',
      '2026-07-01',
    ]);
    expect(days(precedingPeriod(resolvePeriod(named('this_year'), asked, 'UTC')))).toEqual([
      '2025-01-01',
      '2025-11-24',
    ]);
    expect(days(precedingPeriod(resolvePeriod({ kind: 'last_days', days: 7 }, asked, 'UTC')))).toEqual([
      '2026-11-10',
      '2026-11-17',
    ]);
    expect(days(precedingPeriod(resolvePeriod(named('yesterday'), asked, 'UTC')))).toEqual([
      '2026-11-21',
      '2026-11-22',
    ]);
    expect(precedingPeriod(resolvePeriod(named('last_week'), asked, 'UTC')).label).toBe(
      'the week of 9 Nov 2026 (9–15 Nov 2026)',
    );
  });

  it('names both periods of a comparison plainly', () => {
    const label = (spec: PeriodSpec, asked: string) => {
      const period = resolvePeriod(spec, at(asked), 'Asia/Kolkata');
      return [period.label, precedingPeriod(period).label];
    };
    expect(label(named('this_month'), '2026-12-05T06:00:00Z')).toEqual([
      'this month so far (1–5 Dec 2026)',
      'the same days of November (1–5 Nov 2026)',
    ]);
    expect(label(named('this_month'), '2026-12-01T06:00:00Z')).toEqual([
      'this month so far (1 Dec 2026)',
      'the same day of November (1 Nov 2026)',
    ]);
    expect(label(named('this_month'), '2027-01-05T06:00:00Z')[1]).toBe('the same days of December 2026 (1–5 Dec 2026)');
    expect(label(named('this_week'), '2026-11-25T06:00:00Z')).toEqual([
      'this week so far (23–25 Nov 2026)',
      'the same days of last week (16–18 Nov 2026)',
    ]);
    expect(label(named('this_quarter'), '2026-11-25T06:00:00Z')[1]).toBe('the same days of Q3 (1 Jul – 25 Aug 2026)');
    expect(label(named('this_year'), '2026-11-25T06:00:00Z')[1]).toBe('the same days of 2025 (1 Jan – 25 Nov 2025)');
    expect(label(named('today'), '2026-11-25T06:00:00Z')).toEqual(['today (25 Nov 2026)', 'yesterday (24 Nov 2026)']);
    expect(label(named('yesterday'), '2026-11-25T06:00:00Z')[1]).toBe('the day before (23 Nov 2026)');
    expect(label({ kind: 'last_days', days: 7 }, '2026-11-25T06:00:00Z')).toEqual([
      'the last 7 days (19–25 Nov 2026)',
      'the 7 days before (12–18 Nov 2026)',
    ]);
    expect(label({ kind: 'month', month: 11 }, '2026-11-25T06:00:00Z')).toEqual([
      'November 2026 so far (1–25 Nov 2026)',
      'the same days of October (1–25 Oct 2026)',
    ]);
  });
});

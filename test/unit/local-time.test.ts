/** Local dates and times as a seller's zone reads them, across daylight-saving changes. */
import { describe, expect, it } from 'vitest';
import { instantOf, localTime } from '../../src/time/local-time.ts';

describe('the instant of a local date and time', () => {
  const at = (date: string, time: string, zone: string) => instantOf(date, time, zone).toISOString();

  it('is the zone’s wall time, with or without daylight saving', () => {
    expect(at('2026-11-25', '09:00', 'Asia/Kolkata')).toBe('2026-11-25T03:30:00.000Z');
    expect(at('2026-03-08', '09:00', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z'); // EDT from 02:00 that day
    expect(at('2026-03-07', '09:00', 'America/New_York')).toBe('2026-03-07T14:00:00.000Z');
    expect(at('2026-11-25', '09:00', 'UTC')).toBe('2026-11-25T09:00:00.000Z');
  });

  it('moves a time clocks skip an hour on, and takes the first of a time that comes twice', () => {
    expect(localTime(instantOf('2026-03-08', '02:30', 'America/New_York'), 'America/New_York')).toBe(
      '2026-03-08 03:30 (America/New_York)',
    );
    expect(localTime(instantOf('2026-10-04', '02:30', 'Australia/Sydney'), 'Australia/Sydney')).toBe(
      '2026-10-04 03:30 (Australia/Sydney)',
    );
    expect(at('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT, not EST
    expect(at('2026-04-05', '02:30', 'Australia/Sydney')).toBe('2026-04-04T15:30:00.000Z'); // 02:30 AEDT, not AEST
  });
});

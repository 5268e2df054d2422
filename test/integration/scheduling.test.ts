/**
 * Recurring syncs: one Agenda job per seller with a connected marketplace, in the
 * seller's timezone and tier, kept in line with the seller; next runs across DST changes.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { closePool } from '../../src/db/pool.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import { digestDueAt } from '../../src/jobs/sync-schedule.ts';
import { localTime } from '../../src/time/local-time.ts';
import { itOnStore, JOB_STORES, jobConfig, openScheduler } from '../support/job-harness.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe.each(JOB_STORES)('recurring syncs on the $name job store', (store) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let scheduler: Scheduler;
  /** The time schedules are computed from: tests step it. */
  let now = new Date();

  beforeAll(async () => {
    if (store.skip) return;
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 6 });
    scheduler = await openScheduler(jobConfig(db, store), pool, { clock: () => now });
  });
  afterAll(async () => {
    await scheduler?.stop(0);
    await (pool && closePool(pool));
    await db?.drop();
  });

  async function seller(timezone: string, connected = true, tier = 'twice_daily'): Promise<string> {
    const { rows } = await pool.query<{ id: string }>(
      `insert into "user" (id, timezone, sync_tier) values (gen_random_uuid(), $1, $2) returning id`,
      [timezone, tier],
    );
    const id = rows[0]?.id as string;
    if (connected) {
      await pool.query(
        `insert into marketplace_connection (id, user_id, marketplace, external_account_id, status)
         values (gen_random_uuid(), $1::uuid, 'shopify', 'shop-' || $1::text, 'CONNECTED')`,
        [id],
      );
    }
    return id;
  }
  const scheduleOf = async (userId: string) => (await scheduler.scheduledSyncs()).find((s) => s.userId === userId);
  const minuteOf = (cron: string) => Number(cron.split(' ')[0]);

  itOnStore(store)(`three sellers get three recurring jobs at 02:mm and 14:mm in their own timezones`, async () => {
    now = new Date('2026-11-24T10:00:00Z');
    const zones = ['Asia/Kolkata', 'America/New_York', 'Australia/Sydney'];
    const ids = await Promise.all(zones.map((z) => seller(z)));
    await seller('Europe/Paris', false); // nothing connected: no job

    // a sync and a digest each
    expect(await scheduler.scheduleAll()).toEqual({ created: 6, updated: 0, removed: 0, unchanged: 0 });
    const jobs = await scheduler.scheduledSyncs();
    expect(jobs.map((j) => j.userId).sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) {
      const job = jobs.find((j) => j.userId === id);
      const zone = zones[i] as string;
      expect(job?.timezone).toBe(zone);
      const m = String(minuteOf(job?.cron ?? '')).padStart(2, '0');
      expect(minuteOf(job?.cron ?? '')).toBeLessThan(30);
      // the first run after 2026-11-24T10:00Z, as the seller's clock reads it
      const next: Record<string, string> = {
        'Asia/Kolkata': '2026-11-25 02', // 15:30 IST now
        'America/New_York': '2026-11-24 14', // 05:00 EST now
        'Australia/Sydney': '2026-11-25 02', // 21:00 AEDT now
      };
      expect(localTime(job?.nextRunAt as Date, zone)).toBe(`${next[zone]}:${m} (${zone})`);
    }
    // a second worker start changes nothing
    expect(await scheduler.scheduleAll()).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 6 });
  });

  itOnStore(store)('moves with the timezone and tier, and goes when nothing is connected any more', async () => {
    now = new Date('2026-11-24T10:00:00Z');
    const id = await seller('Asia/Kolkata');
    await scheduler.scheduleSeller(id);
    const before = await scheduleOf(id);

    await pool.query(`update "user" set timezone = 'Europe/London', sync_tier = 'hourly' where id = $1`, [id]);
    await scheduler.scheduleSeller(id);
    const after = await scheduleOf(id);
    expect(after?.timezone).toBe('Europe/London');
    expect(after?.cron).toMatch(/^\d+ \* \* \* \*$/);
    expect(after?.nextRunAt?.getTime()).toBeLessThanOrEqual(now.getTime() + 3_600_000);
    expect(after?.nextRunAt?.getTime()).not.toBe(before?.nextRunAt?.getTime());
    // still one job for the seller
    expect((await scheduler.scheduledSyncs()).filter((s) => s.userId === id)).toHaveLength(1);

    await pool.query(`update marketplace_connection set status = 'NEEDS_REAUTH' where user_id = $1`, [id]);
    expect(await scheduler.scheduleSeller(id)).toBeUndefined();
    expect(await scheduleOf(id)).toBeUndefined();
    await pool.query(`update marketplace_connection set status = 'CONNECTED' where user_id = $1`, [id]);
    expect(await scheduler.scheduleSeller(id)).toBeDefined();
    expect(await scheduleOf(id)).toBeDefined();
  });

  itOnStore(store)('an unknown timezone falls back to UTC rather than losing the schedule', async () => {
    const id = await seller('Mars/Olympus_Mons');
    expect((await scheduler.scheduleSeller(id))?.timezone).toBe('UTC');
  });

  /** The next runs from `from`, each computed from the one before, as Agenda does after every run. */
  async function runsFrom(userId: string, from: string, count: number, of = scheduleOf): Promise<string[]> {
    now = new Date(from);
    // scheduled afresh at `from` (a job left months behind would be due: it stays so)
    await scheduler.agenda.cancel({ data: { userId } });
    const runs: string[] = [];
    for (let i = 0; i < count; i++) {
      await scheduler.scheduleSeller(userId);
      const next = (await of(userId))?.nextRunAt as Date;
      runs.push(next.toISOString().slice(0, 16));
      now = next;
    }
    return runs;
  }
  const digestOf = (userId: string) => scheduler.scheduledDigestOf(userId);
  /** The digests' instants from `from`: each prepared by its job 20 minutes (the default lead) before. */
  async function digestsFrom(userId: string, zone: string, from: string, count: number): Promise<string[]> {
    const runs = await runsFrom(userId, from, count, digestOf);
    return runs.map((run) => {
      const preparedAt = new Date(`${run}Z`);
      const due = digestDueAt(preparedAt, '09:00', zone, 20);
      expect(due.getTime() - preparedAt.getTime()).toBe(20 * 60_000);
      expect(localTime(due, zone).slice(11, 16)).toBe('09:00');
      return due.toISOString().slice(0, 16);
    });
  }

  itOnStore(store)('keeps 02:mm and 14:mm local across DST changes, once a half-day', async () => {
    const ny = await seller('America/New_York');
    const syd = await seller('Australia/Sydney');
    const kol = await seller('Asia/Kolkata');
    const m = async (id: string) => String(minuteOf((await scheduleOf(id))?.cron ?? '')).padStart(2, '0');
    await scheduler.scheduleAll();

    // New York springs forward on 2026-03-08 at 02:00: that night's 02:mm does not exist, the run is at 03:mm
    const mn = await m(ny);
    expect(await runsFrom(ny, '2026-03-07T12:00:00Z', 5)).toEqual([
      `2026-03-07T19:${mn}`, // 14:mm EST
      `2026-03-08T07:${mn}`, // 03:mm EDT
      `2026-03-08T18:${mn}`, // 14:mm EDT
      `2026-03-09T06:${mn}`, // 02:mm EDT
      `2026-03-09T18:${mn}`,
    ]);
    // and falls back on 2026-11-01: 02:mm comes once
    expect(await runsFrom(ny, '2026-10-31T12:00:00Z', 4)).toEqual([
      `2026-10-31T18:${mn}`, // 14:mm EDT
      `2026-11-01T07:${mn}`, // 02:mm EST
      `2026-11-01T19:${mn}`,
      `2026-11-02T07:${mn}`,
    ]);

    // Sydney leaves DST on 2026-04-05 at 03:00 (02:00–02:59 happens twice): one run at 02:mm
    const ms = await m(syd);
    expect(await runsFrom(syd, '2026-04-04T00:00:00Z', 5)).toEqual([
      `2026-04-04T03:${ms}`, // 14:mm AEDT
      `2026-04-04T15:${ms}`, // 02:mm AEDT, the first 02:mm of the 5th
      `2026-04-05T04:${ms}`, // 14:mm AEST
      `2026-04-05T16:${ms}`, // 02:mm AEST
      `2026-04-06T04:${ms}`,
    ]);
    // and enters it on 2026-10-04 at 02:00: that night's run is at 03:mm
    expect(await runsFrom(syd, '2026-10-03T00:00:00Z', 3)).toEqual([
      `2026-10-03T04:${ms}`, // 14:mm AEST
      `2026-10-03T16:${ms}`, // 03:mm AEDT
      `2026-10-04T03:${ms}`, // 14:mm AEDT
    ]);

    // Kolkata has no DST: 02:mm and 14:mm IST (UTC+05:30) on those same dates
    const mk = 30 + Number(await m(kol)); // minutes past the UTC hour: 02:mm IST is 20:(30+mm) UTC
    expect(await runsFrom(kol, '2026-03-07T12:00:00Z', 3)).toEqual([
      `2026-03-07T20:${mk}`,
      `2026-03-08T08:${mk}`,
      `2026-03-08T20:${mk}`,
    ]);
  });
  itOnStore(store)(
    'prepares the digest 20 minutes ahead and sends it at 09:00 local by default, in Kolkata, New York and Sydney, across DST changes',
    async () => {
      const ny = await seller('America/New_York');
      const syd = await seller('Australia/Sydney');
      const kol = await seller('Asia/Kolkata');
      // New York springs forward on 2026-03-08 and falls back on 2026-11-01: 09:00 stays 09:00
      expect(await digestsFrom(ny, 'America/New_York', '2026-03-06T18:00:00Z', 4)).toEqual([
        '2026-03-07T14:00', // 09:00 EST
        '2026-03-08T13:00', // 09:00 EDT
        '2026-03-09T13:00',
        '2026-03-10T13:00',
      ]);
      expect(await digestsFrom(ny, 'America/New_York', '2026-10-31T18:00:00Z', 2)).toEqual([
        '2026-11-01T14:00', // 09:00 EST
        '2026-11-02T14:00',
      ]);
      // Sydney leaves DST on 2026-04-05 and enters it on 2026-10-04
      expect(await digestsFrom(syd, 'Australia/Sydney', '2026-04-03T00:00:00Z', 3)).toEqual([
        '2026-04-03T22:00', // 09:00 AEDT on the 4th
        '2026-04-04T23:00', // 09:00 AEST on the 5th
        '2026-04-05T23:00',
      ]);
      expect(await digestsFrom(syd, 'Australia/Sydney', '2026-10-02T00:00:00Z', 3)).toEqual([
        '2026-10-02T23:00', // 09:00 AEST on the 3rd
        '2026-10-03T22:00', // 09:00 AEDT on the 4th
        '2026-10-04T22:00',
      ]);
      // Kolkata has no DST: 03:30 UTC every day
      expect(await digestsFrom(kol, 'Asia/Kolkata', '2026-03-07T00:00:00Z', 2)).toEqual([
        '2026-03-07T03:30',
        '2026-03-08T03:30',
      ]);
    },
  );

  itOnStore(store)(
    'moves the digest (prepared 20 minutes ahead) with its time, drops it when off, and leaves a due one due',
    async () => {
      now = new Date('2026-11-24T10:00:00Z');
      const id = await seller('Asia/Kolkata');
      await scheduler.scheduleSeller(id);
      expect(localTime((await digestOf(id))?.nextRunAt as Date, 'Asia/Kolkata')).toBe(
        '2026-11-25 08:40 (Asia/Kolkata)',
      );

      await pool.query(`update "user" set digest_time = '07:45' where id = $1`, [id]);
      await scheduler.scheduleSeller(id);
      expect(localTime((await digestOf(id))?.nextRunAt as Date, 'Asia/Kolkata')).toBe(
        '2026-11-25 07:25 (Asia/Kolkata)',
      );

      // due but not yet taken when the seller's sync ends and reschedules: it stays due
      now = new Date('2026-11-25T02:16:00Z'); // 07:46 IST
      await scheduler.scheduleSeller(id);
      expect(localTime((await digestOf(id))?.nextRunAt as Date, 'Asia/Kolkata')).toBe(
        '2026-11-25 07:25 (Asia/Kolkata)',
      );

      await pool.query(`update "user" set digest_time = null where id = $1`, [id]);
      await scheduler.scheduleSeller(id);
      expect(await digestOf(id)).toBeUndefined();
      expect(await scheduleOf(id)).toBeDefined(); // the sync stays
    },
  );
});

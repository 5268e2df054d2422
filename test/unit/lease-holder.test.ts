import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  dropLeaseHolder,
  heldLeaseText,
  holderIsGone,
  newLeaseHolder,
  parseHolder,
  stoppedAnswering,
} from '../../src/sync/lease-holder.ts';

const host = os.hostname();

describe('the holder of a sync lease', () => {
  it('names its host and pid', () => {
    expect(parseHolder(`${host}:4242:${randomUUID()}`)).toEqual({ host, pid: 4242 });
    expect(parseHolder('odd')).toEqual({ host: 'odd', pid: undefined });
  });

  it('is gone when it was a process on this machine that no longer runs', () => {
    const exited = spawnSync(process.execPath, ['-e', '0']);
    expect(holderIsGone(`${host}:${exited.pid}:${randomUUID()}`)).toBe(true);
  });

  it('is not gone while its process runs, or when it is on another machine', () => {
    expect(holderIsGone(`${host}:${process.ppid}:${randomUUID()}`)).toBe(false);
    expect(holderIsGone(`another-${host}:${process.pid}:${randomUUID()}`)).toBe(false);
  });

  it('with this process id, is alive only while one of this process runs holds it', () => {
    const ours = newLeaseHolder();
    expect(holderIsGone(ours)).toBe(false);
    dropLeaseHolder(ours);
    expect(holderIsGone(ours)).toBe(true);
    // an earlier process that had our pid (a restarted container)
    expect(holderIsGone(`${host}:${process.pid}:${randomUUID()}`)).toBe(true);
  });

  it('has stopped answering once it missed a renewal, and the text says when its lease lapses', () => {
    const now = new Date('2026-12-02T01:00:00Z');
    const held = (leftS: number) => ({
      holder: `worker-2:77:${randomUUID()}`,
      expiresAt: new Date(now.getTime() + leftS * 1000),
      acquiredAt: new Date('2026-12-02T00:55:00Z'),
      now,
    });
    const utc = (at: Date) => at.toISOString().slice(11, 19);
    expect(stoppedAnswering(held(55), 60_000)).toBe(false);
    expect(stoppedAnswering(held(20), 60_000)).toBe(true);
    expect(heldLeaseText(held(55), 60_000, utc)).toBe(
      'a sync is already running (on worker-2, process 77, since 00:55:00); if it stops answering, its lease lapses at 01:00:55 (in 55 s)',
    );
    expect(heldLeaseText(held(20), 60_000, utc)).toBe(
      'the last sync (on worker-2, process 77) stopped answering; its lease lapses at 01:00:20 (in 20 s), and the next sync takes over then',
    );
  });
});

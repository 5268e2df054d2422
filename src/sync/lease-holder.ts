/**
 * Who holds a seller's sync lease: `${hostname}:${pid}:${uuid}`, one per run. A holder
 * on this machine whose process is gone (killed with SIGKILL, by the OOM killer) can be
 * taken over at once instead of after its lease lapses; a holder elsewhere cannot be
 * asked, so it keeps the seller until then. A pid may be reused by an unrelated process:
 * the holder then looks alive, and the seller waits for the lease to lapse (never the
 * unsafe way round). Page writes are fenced by the lease version whatever this says.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { HeldLease } from './sync-lease.ts';

/** Holders of runs of this process still going: a holder with our pid but not here is a previous process's. */
const ours = new Set<string>();

export function newLeaseHolder(): string {
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  ours.add(holder);
  return holder;
}

export function dropLeaseHolder(holder: string): void {
  ours.delete(holder);
}

export interface HolderName {
  host: string;
  pid: number | undefined;
}

/** The host and pid a holder names (hostnames have no colons; the uuid comes last). */
export function parseHolder(holder: string): HolderName {
  const parts = holder.split(':');
  if (parts.length < 3) return { host: holder, pid: undefined };
  const pid = Number(parts[parts.length - 2]);
  return { host: parts.slice(0, -2).join(':'), pid: Number.isInteger(pid) && pid > 0 ? pid : undefined };
}

/** True only when the holder was a process on this machine that no longer runs. */
export function holderIsGone(holder: string): boolean {
  const { host, pid } = parseHolder(holder);
  if (host !== os.hostname() || pid === undefined) return false;
  if (pid === process.pid) return !ours.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists under another user
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A live holder renews every third of the lifetime, so it never has less than about
 * two thirds left; one with under half left has missed a renewal: it stopped answering
 * (killed, frozen, cut off), and keeps the seller only until its lease lapses.
 */
export function stoppedAnswering(held: HeldLease, ttlMs: number): boolean {
  return held.expiresAt.getTime() - held.now.getTime() < ttlMs / 2;
}

/** Why a seller cannot sync now, and until when at worst, for the seller or operator. */
export function heldLeaseText(held: HeldLease, ttlMs: number, time: (at: Date) => string): string {
  const { host, pid } = parseHolder(held.holder);
  const who = `on ${host}${pid === undefined ? '' : `, process ${pid}`}`;
  const leftS = Math.max(0, Math.ceil((held.expiresAt.getTime() - held.now.getTime()) / 1000));
  const lapses = `its lease lapses at ${time(held.expiresAt)} (in ${leftS} s)`;
  if (stoppedAnswering(held, ttlMs)) {
    return `the last sync (${who}) stopped answering; ${lapses}, and the next sync takes over then`;
  }
  return `a sync is already running (${who}, since ${time(held.acquiredAt)}); if it stops answering, ${lapses}`;
}

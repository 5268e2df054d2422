/**
 * Every worker's digest sender: at each whole minute (digest times are whole minutes),
 * and when woken, it takes the prepared digests now due from the outbox, a few at a time
 * (`claimDueDigests`: rows another worker is taking are skipped), and posts them with a
 * bounded number in flight, until none is due. Not an Agenda job: a recurring job runs
 * on one worker at a time, and the minute's digests are for all of them to share.
 */

import type { DigestDeps } from '../insights/digest.ts';
import { claimDueDigests, deliverDigest } from '../insights/digest-outbox.ts';

/** Digests a worker posts at once: enough that WhatsApp's pace does not hold Slack's back. */
export const DIGEST_SEND_CONCURRENCY = 16;

export interface DigestSenderOptions {
  concurrency?: number;
  /** What "now" is (tests step it); the real time by default. */
  clock?: () => Date;
}

export class DigestSender {
  readonly #deps: DigestDeps;
  readonly #concurrency: number;
  readonly #clock: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<number> | undefined;
  #again = false;
  #stopped = false;

  constructor(deps: DigestDeps, options: DigestSenderOptions = {}) {
    this.#deps = deps;
    this.#concurrency = options.concurrency ?? DIGEST_SEND_CONCURRENCY;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Sends what is due now, then at each whole minute. */
  start(): void {
    this.#stopped = false;
    this.wake();
    this.#arm();
  }

  /** Looks for due digests now (after the pass under way, if one is). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#pass !== undefined) {
      this.#again = true;
      return;
    }
    this.#pass = this.sendDue()
      .catch((err: unknown) => {
        this.#deps.log.error({ err }, 'the digest sender failed: trying again at the next minute');
        return 0;
      })
      .finally(() => {
        this.#pass = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Stops taking digests and waits for those in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#pass;
  }

  /** One pass: every digest due now, `concurrency` at a time. Resolves with how many were sent. */
  async sendDue(): Promise<number> {
    const buffer: Awaited<ReturnType<typeof claimDueDigests>> = [];
    let drained = false;
    let refill: Promise<void> | undefined;
    let sent = 0;
    const take = async () => {
      while (buffer.length === 0 && !drained && !this.#stopped) {
        refill ??= claimDueDigests(this.#deps, this.#clock(), this.#concurrency)
          .then((rows) => {
            if (rows.length === 0) drained = true;
            buffer.push(...rows);
          })
          .finally(() => {
            refill = undefined;
          });
        await refill;
      }
      return buffer.shift();
    };
    const lane = async () => {
      for (let due = await take(); due; due = await take()) {
        try {
          if ((await deliverDigest(this.#deps, due, this.#clock())) === 'sent') sent++;
        } catch (err) {
          // the row's lease lapses and another pass takes it again
          this.#deps.log.error({ err, userId: due.userId }, 'sending a digest failed');
        }
      }
    };
    await Promise.all(Array.from({ length: this.#concurrency }, lane));
    return sent;
  }

  #arm(): void {
    if (this.#stopped) return;
    const now = Date.now();
    this.#timer = setTimeout(
      () => {
        this.wake();
        this.#arm();
      },
      60_000 - (now % 60_000) + 50,
    );
    this.#timer.unref();
  }
}

/**
 * A backfill's progress as the seller sees it, in the conversation that connected the
 * marketplace. From the connection's first progress: records read, the source's
 * estimated total, and the time left at the rate seen so far.
 *
 * - Where messages can be edited (Slack): posted at the first progress, then edited in
 *   place at most every `updateEveryMs` (~3 s); when reading ends it keeps the count
 *   read (no time left: the last message says how it ended).
 * - Where they cannot (WhatsApp, the terminal): at most one progress message, and only
 *   for a backfill still reading `quietMs` (~20 s) after its job started; a shorter
 *   one goes straight to its last message. One message a phone buzzes for, not a stream.
 *
 * Only one call to the chat is in flight at a time; progress arriving meanwhile is
 * shown by the next one. A notice that fails is logged by the notifier and not retried.
 */
import type { ChatAddress, ChatNotifier, PostedMessage } from '../channels/chat-notifier.ts';
import {
  type BackfillProgress,
  type ConnectionLabel,
  progressText,
  readText,
} from '../connections/connect-announcements.ts';
import { textReply } from '../conversation/reply.ts';
import type { Logger } from '../logging/logger.ts';
import type { SyncProgress } from '../sync/sync-connection.ts';

export interface BackfillTiming {
  /** Least time between edits of the progress message, where the channel edits in place. */
  updateEveryMs: number;
  /** Where it cannot: how long a backfill runs before its one progress message. */
  quietMs: number;
}

export const BACKFILL_TIMING: BackfillTiming = { updateEveryMs: 3000, quietMs: 20_000 };

/** A rate needs this much reading behind it before it predicts anything. */
const MIN_RATE_WINDOW_MS = 1000;

export interface BackfillAnnouncerOptions {
  notifier: ChatNotifier;
  address: ChatAddress;
  label: ConnectionLabel;
  connectionId: string;
  timing: BackfillTiming;
  log: Logger;
}

export class BackfillAnnouncer {
  readonly #o: BackfillAnnouncerOptions;
  readonly #editable: boolean;
  readonly #startedAt: number;
  readonly #streams = new Map<string, { done: number; estimatedTotal: number | undefined }>();
  readonly #timer: NodeJS.Timeout;
  #first: { at: number; done: number } | undefined;
  #message: PostedMessage | undefined;
  #posted = false;
  #shownAt = 0;
  #shownText = '';
  #inFlight: Promise<void> | undefined;
  #closed = false;

  constructor(options: BackfillAnnouncerOptions) {
    this.#o = options;
    this.#editable = options.notifier.editable(options.address.channel);
    this.#startedAt = Date.now();
    // progress can pause for long (a report being prepared): the quiet rule and the time left still move on
    const beat = Math.min(options.timing.updateEveryMs, options.timing.quietMs, 1000);
    this.#timer = setInterval(() => this.#tick(), beat);
    this.#timer.unref();
  }

  /** Records of this connection written so far in this run. */
  get done(): number {
    let done = 0;
    for (const s of this.#streams.values()) done += s.done;
    return done;
  }

  /** A progress event of the seller's sync; other connections' are not this backfill's. */
  progress(p: SyncProgress): void {
    if (p.connectionId !== this.#o.connectionId || this.#closed) return;
    this.#streams.set(p.stream, { done: p.done, estimatedTotal: p.estimatedTotal });
    this.#first ??= { at: Date.now(), done: this.done };
    this.#tick();
  }

  /** Stops showing progress once the call under way is out; an editable message is left with the count read. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#inFlight;
    if (this.#editable && this.#message) {
      await this.#o.notifier.update(this.#message, textReply(readText(this.#o.label, this.done)));
    }
  }

  #tick(): void {
    if (this.#closed || this.#inFlight || !this.#first) return;
    const now = Date.now();
    const { timing } = this.#o;
    const first = !this.#posted && (this.#editable || now - this.#startedAt >= timing.quietMs);
    const edit = this.#editable && this.#message !== undefined && now - this.#shownAt >= timing.updateEveryMs;
    if (!first && !edit) return;
    const text = progressText(this.#o.label, this.#progress());
    if (text === this.#shownText) return;
    this.#posted = true;
    this.#shownAt = now;
    this.#shownText = text;
    this.#inFlight = this.#show(text, first)
      .catch((err: unknown) => this.#o.log.warn({ err }, 'showing the backfill’s progress failed'))
      .then(() => {
        this.#inFlight = undefined;
      });
  }

  async #show(text: string, first: boolean): Promise<void> {
    const { notifier, address } = this.#o;
    if (first) this.#message = await notifier.post(address, textReply(text));
    else if (this.#message) await notifier.update(this.#message, textReply(text));
  }

  #progress(): BackfillProgress {
    const done = this.done;
    let total: number | undefined;
    for (const s of this.#streams.values()) {
      if (s.estimatedTotal !== undefined) total = (total ?? 0) + Math.max(s.estimatedTotal, s.done);
    }
    // streams without an estimate count what they read
    if (total !== undefined) {
      for (const s of this.#streams.values()) if (s.estimatedTotal === undefined) total += s.done;
    }
    const first = this.#first;
    const elapsed = first ? Date.now() - first.at : 0;
    const rate = first && elapsed >= MIN_RATE_WINDOW_MS ? (done - first.done) / elapsed : 0;
    const remainingMs = total !== undefined && rate > 0 ? (total - done) / rate : undefined;
    return { done, estimatedTotal: total, remainingMs };
  }
}

/**
 * How `shopiq sync` shows a run: on a terminal, one redrawn line per stream (records
 * done, estimated total, rate, time left); without one, a structured log line every
 * few seconds. Both read the same progress events.
 */
import type { Logger } from '../logging/logger.ts';
import type { SyncProgress } from '../sync/sync-connection.ts';

export interface ProgressView {
  update(progress: SyncProgress): void;
  /** Ends the current line. */
  done(): void;
}

const number = new Intl.NumberFormat('en-US');

export function progressView(stream: NodeJS.WriteStream, log: Logger): ProgressView {
  return stream.isTTY ? new TerminalBar(stream) : new LoggedProgress(log);
}

interface Track {
  key: string;
  startedAt: number;
}

class TerminalBar implements ProgressView {
  readonly #out: NodeJS.WriteStream;
  #track: Track | undefined;
  #drawnAt = 0;
  #last: SyncProgress | undefined;

  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }

  update(p: SyncProgress): void {
    const key = `${p.connectionId}:${p.stream}`;
    if (this.#track?.key !== key) {
      this.done();
      this.#track = { key, startedAt: Date.now() };
    }
    this.#last = p;
    if (Date.now() - this.#drawnAt >= 100) this.#draw(p);
  }

  done(): void {
    if (this.#last && this.#track) {
      this.#draw(this.#last);
      this.#out.write('\n');
    }
    this.#track = undefined;
    this.#last = undefined;
  }

  #draw(p: SyncProgress): void {
    this.#drawnAt = Date.now();
    const seconds = Math.max(0.001, (Date.now() - (this.#track?.startedAt ?? Date.now())) / 1000);
    const rate = p.done / seconds;
    const total = p.estimatedTotal !== undefined ? Math.max(p.estimatedTotal, p.done) : undefined;
    const width = 24;
    const filled = total ? Math.round((p.done / total) * width) : 0;
    const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    const eta = total && rate > 0 ? `  ETA ${clock((total - p.done) / rate)}` : '';
    const of = total ? ` / ~${number.format(total)}` : '';
    const line = `${p.marketplace} ${p.stream}: ${bar}${number.format(p.done)}${of}  ${number.format(Math.round(rate))}/s${eta}`;
    this.#out.write(`\r${line.padEnd(Math.max(line.length, (this.#out.columns ?? 80) - 1))}`);
  }
}

class LoggedProgress implements ProgressView {
  readonly #log: Logger;
  #loggedAt = 0;

  constructor(log: Logger) {
    this.#log = log;
  }

  update(p: SyncProgress): void {
    if (Date.now() - this.#loggedAt < 5000) return;
    this.#loggedAt = Date.now();
    this.#log.info({ ...p }, 'sync progress');
  }

  done(): void {}
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

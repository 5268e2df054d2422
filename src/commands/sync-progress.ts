/**
 * How `shopiq sync` shows a run: on a terminal, one redrawn line per connection (records
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

interface Line {
  progress: SyncProgress;
  /** When this connection's current stream started. */
  startedAt: number;
}

/** One line per connection (they sync side by side), redrawn in place at most every 100 ms. */
class TerminalBar implements ProgressView {
  readonly #out: NodeJS.WriteStream;
  readonly #lines = new Map<string, Line>();
  #drawnLines = 0;
  #drawnAt = 0;

  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }

  update(p: SyncProgress): void {
    const line = this.#lines.get(p.connectionId);
    const startedAt = line?.progress.stream === p.stream ? line.startedAt : Date.now();
    this.#lines.set(p.connectionId, { progress: p, startedAt });
    if (Date.now() - this.#drawnAt >= 100 || !line) this.#draw();
  }

  done(): void {
    if (this.#lines.size > 0) {
      this.#draw();
      this.#out.write('\n');
    }
    this.#lines.clear();
    this.#drawnLines = 0;
  }

  #draw(): void {
    this.#drawnAt = Date.now();
    const width = Math.max(20, (this.#out.columns ?? 80) - 1);
    const text = [...this.#lines.values()].map((line) => describe(line).slice(0, width).padEnd(width));
    const up = this.#drawnLines > 1 ? `\x1b[${this.#drawnLines - 1}A` : '';
    this.#out.write(`${up}\r${text.join('\n')}`);
    this.#drawnLines = text.length;
  }
}

function describe({ progress: p, startedAt }: Line): string {
  const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
  const rate = p.done / seconds;
  const total = p.estimatedTotal !== undefined ? Math.max(p.estimatedTotal, p.done) : undefined;
  const width = 24;
  const filled = total ? Math.round((p.done / total) * width) : 0;
  const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
  const eta = total && rate > 0 ? `  ETA ${clock((total - p.done) / rate)}` : '';
  const of = total ? ` / ~${number.format(total)}` : '';
  return `${p.marketplace} ${p.stream}: ${bar}${number.format(p.done)}${of}  ${number.format(Math.round(rate))}/s${eta}`;
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

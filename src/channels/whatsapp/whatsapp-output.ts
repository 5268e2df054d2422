/**
 * Sends one turn to a WhatsApp number: the answer as WhatsApp text (split under 1,600
 * characters, in order), each chart as an image served by ShopIQ (`/media/<id>.png`,
 * kept a day in PostgreSQL so any web replica serves it). WhatsApp shows no typing
 * sign to a business sender's webhook reply, so an answer that takes longer than
 * about 2 s is announced with one short message ("Looking at your sales…"), unless
 * the sender is backed up (it would arrive late, and hold up answers). A
 * follow-up goes through the 24-hour rule (whatsapp-sender.ts).
 */
import type pg from 'pg';
import { chartPng } from '../../conversation/charts/chart-renderer.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { Logger } from '../../logging/logger.ts';
import { saveMedia } from '../../media/media-store.ts';
import type { ChannelOutput } from '../chat-gateway.ts';
import { renderForWhatsApp } from './whatsapp-renderer.ts';
import type { Delivered, WhatsAppSender } from './whatsapp-sender.ts';

/** How long an answer may take before the seller is told it is coming. */
const SLOW_ANSWER_MS = 2000;

export type WhatsAppOutputFactory = (number: string) => ChannelOutput;

export interface WhatsAppOutputDeps {
  sender: WhatsAppSender;
  db: pg.Pool;
  publicBaseUrl: string;
  log: Logger;
}

export class WhatsAppOutput implements ChannelOutput {
  readonly #deps: WhatsAppOutputDeps;
  /** `whatsapp:+E164`. */
  readonly #to: string;
  readonly #number: string;
  #timer: NodeJS.Timeout | undefined;
  #doing = 'Looking into it…';
  #answered = false;

  constructor(deps: WhatsAppOutputDeps, number: string) {
    this.#deps = deps;
    this.#number = number;
    this.#to = `whatsapp:${number}`;
  }

  status(text: string): void {
    // "checking how fresh…" is for a status line, not worth a message of its own
    if (!text.startsWith('Checking')) this.#doing = text;
    this.#timer ??= setTimeout(() => {
      if (this.#answered || this.#deps.sender.backedUp) return;
      this.#deps.sender
        .send(this.#to, { body: this.#doing })
        .catch((err: unknown) => this.#deps.log.warn({ err }, 'the "answer is coming" message failed'));
    }, SLOW_ANSWER_MS);
    this.#timer.unref();
  }

  text(): void {}

  async send(reply: Reply): Promise<void> {
    this.#answered = true;
    clearTimeout(this.#timer);
    const { messages, charts } = renderForWhatsApp(reply);
    for (const body of messages) await this.#deps.sender.send(this.#to, { body });
    for (const [i, spec] of charts.entries()) {
      try {
        const png = await chartPng(reply, i);
        const { path } = await saveMedia(this.#deps.db, { bytes: png, contentType: 'image/png' });
        await this.#deps.sender.send(this.#to, { mediaUrl: `${this.#deps.publicBaseUrl}${path}` });
      } catch (err) {
        // the answer and its table are out already
        this.#deps.log.warn({ err, chart: spec.title }, 'chart not sent');
      }
    }
  }

  async followUp(reply: Reply): Promise<void> {
    await this.unasked(reply);
  }

  /** A message the seller did not just ask for; `held`: one could not go (outside the window, no template), nor the rest. */
  async unasked(reply: Reply): Promise<Delivered> {
    const { rows } = await this.#deps.db.query<{ last_seen_at: Date | null }>(
      `select last_seen_at from channel_identity where channel = 'whatsapp' and external_id = $1`,
      [this.#number],
    );
    const lastInbound = rows[0]?.last_seen_at ?? undefined;
    let delivered: Delivered = 'sent';
    for (const body of renderForWhatsApp(reply).messages) {
      delivered = await this.#deps.sender.sendUnasked(this.#to, body, lastInbound, reply.notice);
      if (delivered !== 'sent') break;
    }
    return delivered;
  }
}

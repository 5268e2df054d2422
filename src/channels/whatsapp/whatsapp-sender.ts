/**
 * Sends WhatsApp messages through Twilio's REST API at the sender's pace
 * (`TWILIO_MESSAGES_PER_S`, shared by every conversation of this process). A message
 * the seller did not just ask for (a follow-up) goes as free text only inside
 * WhatsApp's 24-hour window since their last message; outside it, or when Twilio says
 * the window is closed (error 63016), it goes as the approved template
 * (`TWILIO_TEMPLATE_FOLLOW_UP`), or, without one, is held back and the reason logged.
 *
 * The pace is kept by spacing: a message leaves no sooner than 1/rate after the one
 * before actually left (a reserved slot that a late timer let slip would let two go
 * out together), with a tenth to spare for the way to Twilio (two messages' requests
 * can arrive closer together than they left), so no second carries more than the rate.
 */

import type { TwilioConfig } from '../../config/config.ts';
import type { NoticeKind } from '../../db/enums.ts';
import type { Logger } from '../../logging/logger.ts';
import { sleep } from '../../marketplaces/sleep.ts';
import type { TwilioRest } from './twilio-rest.ts';

const WINDOW_MS = 24 * 3_600_000;
/** Twilio: "Failed to send freeform message because you are outside the allowed window". */
const OUTSIDE_WINDOW = 63016;
/** Template variables are short lines. */
const TEMPLATE_VARIABLE_LIMIT = 900;

/** Spacing beyond 1/rate, for requests that arrive closer together than they left. */
const SPARE = 1.1;

export type Delivered = 'sent' | 'template' | 'held';

export class WhatsAppSender {
  readonly #rest: TwilioRest;
  readonly #config: TwilioConfig;
  readonly #statusCallback: string;
  readonly #log: Logger;
  readonly #spacingMs: number;
  /** Messages waiting for their turn to leave. */
  #waiting = 0;
  #turn: Promise<void> = Promise.resolve();
  #lastLeftAt = 0;

  constructor(rest: TwilioRest, config: TwilioConfig, publicBaseUrl: string, log: Logger) {
    this.#rest = rest;
    this.#config = config;
    this.#statusCallback = `${publicBaseUrl}/twilio/status`;
    this.#log = log;
    this.#spacingMs = (1000 * SPARE) / config.messagesPerS;
  }

  /** More than a second of messages waits to leave: a message that only says "coming" would come late. */
  get backedUp(): boolean {
    return this.#waiting * this.#spacingMs > 1000;
  }

  /** Resolves when this message may leave. */
  #paced(): Promise<void> {
    this.#waiting++;
    const mine = this.#turn.then(async () => {
      const wait = this.#lastLeftAt + this.#spacingMs - Date.now();
      if (wait > 0) await sleep(wait);
      this.#lastLeftAt = Date.now();
      this.#waiting--;
    });
    this.#turn = mine;
    return mine;
  }

  /** A message in answer to the seller's (inside the window by definition). */
  async send(to: string, content: { body: string } | { mediaUrl: string }): Promise<void> {
    await this.#paced();
    await this.#rest.messages.create({
      from: this.#config.whatsappFrom,
      to,
      statusCallback: this.#statusCallback,
      ...('body' in content ? { body: content.body } : { mediaUrl: [content.mediaUrl] }),
    });
  }

  /**
   * A message the seller did not just ask for; `lastInbound`: when they last wrote;
   * `kind`: what it is, whose own template goes outside the window if one is set.
   */
  async sendUnasked(to: string, body: string, lastInbound: Date | undefined, kind?: NoticeKind): Promise<Delivered> {
    if (lastInbound && Date.now() - lastInbound.getTime() < WINDOW_MS) {
      try {
        await this.send(to, { body });
        return 'sent';
      } catch (err) {
        if ((err as { code?: number }).code !== OUTSIDE_WINDOW) throw err;
      }
    }
    const template = (kind && this.#config.templates[kind]) || this.#config.followUpTemplate;
    if (!template) {
      this.#log.warn(
        { to, ...(kind ? { kind } : {}) },
        'follow-up held back: outside the 24-hour window and no TWILIO_TEMPLATE_FOLLOW_UP template is set',
      );
      return 'held';
    }
    await this.#paced();
    await this.#rest.messages.create({
      from: this.#config.whatsappFrom,
      to,
      contentSid: template,
      contentVariables: JSON.stringify({ 1: body.split('\n')[0]?.slice(0, TEMPLATE_VARIABLE_LIMIT) ?? '' }),
      statusCallback: this.#statusCallback,
    });
    return 'template';
  }
}

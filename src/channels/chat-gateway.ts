/**
 * The one inbound path every chat channel shares (CHANNELS.md): a delivery is claimed
 * in `processed_event` before any work, so a retried delivery (even one arriving
 * while the first still runs) is a no-op; the sender's chat identity resolves to a
 * seller (first contact creates one); the conversation engine answers; the channel's
 * output draws and sends the reply. A channel adapter only turns its payload into an
 * `InboundMessage` and provides a `ChannelOutput`.
 */
import type pg from 'pg';
import type { ConversationEngine } from '../conversation/conversation-engine.ts';
import { type Reply, textReply } from '../conversation/reply.ts';
import { claimDelivery } from '../db/deliveries.ts';
import type { Channel } from '../db/enums.ts';
import { type ChatIdentity, type ChatProfile, identityKey, resolveIdentity } from '../identity/chat-identities.ts';
import type { Logger } from '../logging/logger.ts';
import { metrics } from '../observability/metrics.ts';

export interface InboundMessage {
  /** The delivery's id at its source (Slack event_id, Twilio MessageSid): retries carry the same. */
  deliveryId: string;
  identity: ChatIdentity & { channel: Channel };
  /** Where the reply goes and whose turns are remembered together (a Slack thread, a WhatsApp number). */
  conversationId: string;
  text: string;
  /** What the channel can tell of a new person (timezone, name): asked on first contact only. */
  profile(): Promise<ChatProfile>;
}

/** How one channel shows a turn: a status line, the text as it is written, the reply, later messages. */
export interface ChannelOutput {
  status(text: string): void;
  text(delta: string): void;
  send(reply: Reply): Promise<void>;
  followUp(reply: Reply): Promise<void>;
}

export interface ChatGatewayDeps {
  db: pg.Pool;
  engine: ConversationEngine;
  log: Logger;
  /** Turns answered at once (CHAT_CONCURRENCY); more wait their turn, told so at once. */
  maxConcurrentTurns: number;
}

const ASK_TIMEZONE =
  'Which timezone are you in? Your days and months are counted in UTC until you tell me, e.g. `timezone America/New_York`.';

/** Said at once, before any other work: a sign of life while the answer is put together. */
const RECEIVED = 'Looking into it…';
/** Said at once to a message that waits for others to be answered first. */
const QUEUED = 'Working on it… (answering a few questions ahead of yours)';

const SORRY = 'Something went wrong answering that (it is logged); please try again in a moment.';

export class ChatGateway {
  readonly #deps: ChatGatewayDeps;
  readonly #inFlight = new Set<Promise<unknown>>();
  /**
   * A burst of messages must not starve the process: acks (Slack's 3 s, Twilio's 15 s)
   * and status lines need the event loop too. So a bounded number of turns run at once,
   * and the rest are told at once that they wait.
   */
  readonly #slots: TurnSlots;

  constructor(deps: ChatGatewayDeps) {
    this.#deps = deps;
    this.#slots = new TurnSlots(deps.maxConcurrentTurns);
  }

  /** Answers a delivery once; `duplicate` when it was taken before. */
  receive(message: InboundMessage, output: ChannelOutput): Promise<'answered' | 'duplicate' | 'failed'> {
    const work = this.#receive(message, output).then((outcome) => {
      metrics.delivered(message.identity.channel, outcome);
      return outcome;
    });
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves when every delivery taken so far has been answered (shutdown, tests); follow-ups may still come. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #receive(message: InboundMessage, output: ChannelOutput): Promise<'answered' | 'duplicate' | 'failed'> {
    const { db, engine } = this.#deps;
    const source = message.identity.channel;
    const log = this.#deps.log.child({ channel: source, deliveryId: message.deliveryId });
    if (!(await claimDelivery(db, source, message.deliveryId))) {
      log.debug('delivery already taken: ignored');
      return 'duplicate';
    }
    output.status(this.#slots.full ? QUEUED : RECEIVED);
    const release = await this.#slots.take();
    try {
      const who = await resolveIdentity(db, message.identity, message.profile);
      const reply = await engine.handle(
        {
          userId: who.userId,
          channel: source,
          conversationId: message.conversationId,
          text: message.text,
          identity: { id: who.identityId, key: identityKey(message.identity) },
        },
        {
          notify: (later) =>
            output.followUp(later).catch((err: unknown) => {
              metrics.sendFailed(source, 'follow_up');
              log.error({ err }, 'sending a follow-up failed');
            }),
          status: (text) => output.status(text),
          text: (delta) => output.text(delta),
        },
      );
      // a new seller whose channel could not tell their timezone (a WhatsApp number of a
      // country with several zones) is asked for it with their first answer
      const ask = who.created && !who.profile?.timezone ? `\n\n${ASK_TIMEZONE}` : '';
      await output.send(ask ? { ...reply, text: `${reply.text}${ask}` } : reply).catch((err: unknown) => {
        metrics.sendFailed(source, 'reply');
        throw err;
      });
      return 'answered';
    } catch (err) {
      log.error({ err }, 'answering a chat message failed');
      await output.send(textReply(SORRY)).catch((sendErr: unknown) => {
        metrics.sendFailed(source, 'reply');
        log.error({ err: sendErr }, 'sending failed');
      });
      return 'failed';
    } finally {
      release();
    }
  }
}

/** A counting semaphore: `take` resolves when a slot is free, with the function that frees it. */
class TurnSlots {
  readonly #max: number;
  #used = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  get full(): boolean {
    return this.#used >= this.#max;
  }

  async take(): Promise<() => void> {
    if (this.#used >= this.#max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // the slot passes straight to the next in line
      if (next) next();
      else this.#used--;
    };
  }
}

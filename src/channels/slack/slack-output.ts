/**
 * Sends one turn to Slack. In a thread (a DM with the app, a mention, a thread the app
 * is in): a status line while working, the model's words streamed into one message
 * (`chat.startStream`/`appendStream`/`stopStream`), closed with the first table and
 * the feedback buttons; without streaming the answer is posted whole in a `markdown`
 * block. Further tables follow as their own messages, charts as PNG uploads in the
 * same thread. For a slash command the answer is ephemeral through `response_url`,
 * falling back to the seller's DM. Every Slack error is logged with its `error` code,
 * and a failed stream or response falls back to `chat.postMessage`: the answer is
 * never lost silently.
 */
import type { ChatPostMessageResponse, ChatStreamer, WebClient } from '@slack/web-api';
import { chartPng } from '../../conversation/charts/chart-renderer.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ChannelOutput } from '../chat-gateway.ts';
import { closingBlocks, renderReply, type SlackMessage } from './slack-renderer.ts';

/** Characters gathered before the stream starts (and between appends): fewer calls, words still arrive early. */
const STREAM_BUFFER_CHARS = 120;

export interface SlackThread {
  channel: string;
  threadTs: string;
  /** Who asked: a stream outside a DM is addressed to them. */
  teamId: string;
  userId: string;
}

/** The `error` code of a Slack Web API failure, else the client's own code. */
export function slackErrorCode(err: unknown): string {
  const e = err as { data?: { error?: string }; code?: string; message?: string };
  return e?.data?.error ?? e?.code ?? e?.message ?? 'unknown';
}

/** Where a message goes: a conversation, maybe a thread of it; the bot token when the client has none. */
export interface SlackPlace {
  channel: string;
  thread_ts?: string | undefined;
  token?: string;
}

/** Posts a message; if Slack refuses it (its blocks, most likely), the text alone. `failed` hears the refusal. */
export async function postSlackMessage(
  client: WebClient,
  place: SlackPlace,
  message: SlackMessage,
  failed: (method: string, err: unknown) => void,
): Promise<ChatPostMessageResponse> {
  try {
    return await client.chat.postMessage({ ...place, text: message.text, blocks: message.blocks });
  } catch (err) {
    failed('chat.postMessage', err);
    return client.chat.postMessage({ ...place, text: message.text, mrkdwn: true });
  }
}

/**
 * Draws a reply's charts and uploads them as PNGs where it went; one that cannot be drawn
 * is left out (logged), one that cannot be uploaded is said in its place.
 */
export async function uploadSlackCharts(
  client: WebClient,
  place: SlackPlace,
  reply: Reply,
  log: Logger,
  failed: (method: string, err: unknown) => void,
): Promise<void> {
  const { channel, thread_ts: threadTs, token } = place;
  for (const [i, spec] of (reply.charts ?? []).entries()) {
    let png: Buffer;
    try {
      png = await chartPng(reply, i);
    } catch (err) {
      // the message and its table are out already: a chart that cannot be drawn now is left out
      log.warn({ err, chart: spec.title }, 'chart not drawn');
      continue;
    }
    try {
      const file = { file: png, filename: `shopiq-chart-${i + 1}.png`, title: spec.title, ...(token ? { token } : {}) };
      await client.filesUploadV2(
        threadTs ? { ...file, channel_id: channel, thread_ts: threadTs } : { ...file, channel_id: channel },
      );
    } catch (err) {
      failed('filesUploadV2', err);
      const why =
        slackErrorCode(err) === 'not_in_channel'
          ? 'invite me to this channel (`/invite @ShopIQ`) and ask again'
          : 'it is logged; ask again in a moment';
      await client.chat
        .postMessage({ ...place, text: `(I could not attach the chart "${spec.title}": ${why}.)` })
        .catch((e: unknown) => failed('chat.postMessage', e));
    }
  }
}

abstract class SlackOutputBase implements ChannelOutput {
  protected readonly client: WebClient;
  protected readonly log: Logger;

  constructor(client: WebClient, log: Logger) {
    this.client = client;
    this.log = log;
  }

  abstract status(text: string): void;
  abstract text(delta: string): void;
  abstract send(reply: Reply): Promise<void>;
  abstract followUp(reply: Reply): Promise<void>;

  protected failed(method: string, err: unknown, level: 'error' | 'warn' = 'error'): void {
    this.log[level]({ slackError: slackErrorCode(err), method }, 'Slack API call failed');
  }

  protected async post(channel: string, threadTs: string | undefined, message: SlackMessage): Promise<void> {
    await postSlackMessage(this.client, { channel, thread_ts: threadTs }, message, (method, err) =>
      this.failed(method, err),
    );
  }

  protected async uploadCharts(channel: string, threadTs: string | undefined, reply: Reply): Promise<void> {
    await uploadSlackCharts(this.client, { channel, thread_ts: threadTs }, reply, this.log, (method, err) =>
      this.failed(method, err),
    );
  }
}

/** A turn answered in a thread, streamed. */
export class SlackThreadOutput extends SlackOutputBase {
  readonly #where: SlackThread;
  /** Slack calls of this turn, in order. */
  #queue: Promise<void> = Promise.resolve();
  #streamer: ChatStreamer | undefined;
  #streamed = '';
  #streamBroken = false;
  #statusOff = false;

  constructor(client: WebClient, where: SlackThread, log: Logger) {
    super(client, log);
    this.#where = where;
  }

  /** Until the streamed message shows words, a status line says what is being done. */
  status(text: string): void {
    if (this.#statusOff || this.#streamer?.ts) return;
    this.#then(async () => {
      if (this.#statusOff || this.#streamer?.ts) return;
      await this.client.assistant.threads
        .setStatus({ channel_id: this.#where.channel, thread_ts: this.#where.threadTs, status: text })
        .catch((err: unknown) => {
          // not an assistant thread (a channel mention): no status line there, the answer still comes
          this.#statusOff = true;
          this.failed('assistant.threads.setStatus', err, 'warn');
        });
    });
  }

  text(delta: string): void {
    if (this.#streamBroken || !delta) return;
    this.#streamed += delta;
    this.#then(async () => {
      if (this.#streamBroken) return;
      this.#streamer ??= this.client.chatStream({
        channel: this.#where.channel,
        thread_ts: this.#where.threadTs,
        recipient_team_id: this.#where.teamId,
        recipient_user_id: this.#where.userId,
        buffer_size: STREAM_BUFFER_CHARS,
      });
      await this.#streamer.append({ markdown_text: delta }).catch((err: unknown) => {
        this.#streamBroken = true;
        this.failed('chat.appendStream', err);
      });
    });
  }

  async send(reply: Reply): Promise<void> {
    await this.#queue;
    const { channel, threadTs } = this.#where;
    const rendered = renderReply(reply);
    if (!(await this.#finishStream(reply))) await this.post(channel, threadTs, rendered.main);
    for (const more of rendered.more) await this.post(channel, threadTs, more);
    await this.uploadCharts(channel, threadTs, reply);
  }

  async followUp(reply: Reply): Promise<void> {
    const rendered = renderReply(reply);
    await this.post(this.#where.channel, this.#where.threadTs, rendered.main);
  }

  /** Closes the streamed message with the rest of the answer; false when the answer must be posted whole. */
  async #finishStream(reply: Reply): Promise<boolean> {
    const streamer = this.#streamer;
    if (!streamer) return false;
    const matches = !this.#streamBroken && reply.text.startsWith(this.#streamed);
    try {
      if (matches) {
        const rest = reply.text.slice(this.#streamed.length);
        await streamer.stop({ ...(rest ? { markdown_text: rest } : {}), blocks: closingBlocks(reply) });
        return true;
      }
      await streamer.stop();
    } catch (err) {
      this.failed('chat.stopStream', err);
    }
    if (!matches) this.log.warn('streamed text and answer differ: posting the answer whole');
    return false;
  }

  #then(call: () => Promise<void>): void {
    this.#queue = this.#queue.then(call, call);
  }
}

export type SlackRespond = (message: SlackMessage & { response_type: 'ephemeral' }) => Promise<unknown>;

/** A slash command's answer: ephemeral through `response_url`; else (or without one) in the seller's DM. */
export class SlackDirectOutput extends SlackOutputBase {
  readonly #respond: SlackRespond | undefined;
  readonly #userId: string;

  constructor(client: WebClient, where: { userId: string; respond?: SlackRespond }, log: Logger) {
    super(client, log);
    this.#respond = where.respond;
    this.#userId = where.userId;
  }

  status(): void {}
  text(): void {}

  async send(reply: Reply): Promise<void> {
    const rendered = renderReply(reply);
    for (const message of [rendered.main, ...rendered.more]) {
      if (!(await this.#privately(message))) await this.post(this.#userId, undefined, message);
    }
    if (reply.charts?.length) await this.uploadCharts(await this.#dm(), undefined, reply);
  }

  async followUp(reply: Reply): Promise<void> {
    await this.post(this.#userId, undefined, renderReply(reply).main);
  }

  /** Through `response_url`, seen by the seller alone; false when there is none or it failed. */
  async #privately(message: SlackMessage): Promise<boolean> {
    if (!this.#respond) return false;
    try {
      await this.#respond({ ...message, response_type: 'ephemeral' });
      return true;
    } catch (err) {
      this.failed('response_url', err);
      return false;
    }
  }

  /** The DM channel with the seller (files need a channel id, not a user id). */
  async #dm(): Promise<string> {
    const opened = await this.client.conversations.open({ users: this.#userId });
    return opened.channel?.id ?? this.#userId;
  }
}

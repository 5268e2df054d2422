/**
 * Notices ShopIQ starts itself, on WhatsApp: a follow-up to the seller's number, under
 * WhatsApp's 24-hour rule (whatsapp-sender.ts: free text inside the window, else the
 * approved template, else held back). WhatsApp messages cannot be edited.
 */
import type { Reply } from '../../conversation/reply.ts';
import type { ChannelNotifier, ChatAddress, PostedMessage } from '../chat-notifier.ts';
import { WhatsAppOutput, type WhatsAppOutputDeps } from './whatsapp-output.ts';

const NUMBER = /^(?:whatsapp:)?(\+[1-9]\d{6,14})$/;

export class WhatsAppNotifier implements ChannelNotifier {
  readonly editable = false;
  /** Unasked messages go as text (a template outside the window): no chart image. */
  readonly showsCharts = false;
  readonly #deps: WhatsAppOutputDeps;

  constructor(deps: WhatsAppOutputDeps) {
    this.#deps = { ...deps, log: deps.log.child({ channel: 'whatsapp' }) };
  }

  async post(address: ChatAddress, reply: Reply): Promise<PostedMessage | undefined> {
    const number = NUMBER.exec(address.conversationId)?.[1];
    if (!number) {
      this.#deps.log.warn('a WhatsApp notice for a conversation that is not a number: not sent');
      return undefined;
    }
    try {
      const delivered = await new WhatsAppOutput(this.#deps, number).unasked(reply);
      return delivered === 'held' ? undefined : { address };
    } catch (err) {
      this.#deps.log.error({ err }, 'a WhatsApp notice failed');
      return undefined;
    }
  }
}

/**
 * Messages ShopIQ starts itself, outside a turn: a marketplace connected from chat, its
 * first sync's progress and end, a connection that needs the seller to sign in again.
 * Any process may send them (the web process answers an OAuth callback, a worker runs
 * the backfill), so a notifier is built from the configuration, not from a request.
 */
import type { Reply } from '../conversation/reply.ts';
import type { Channel } from '../db/enums.ts';

/** Where a message goes: a conversation of a channel, and who is spoken to there. */
export interface ChatAddress {
  channel: Channel;
  /**
   * As the channel's turns name it: Slack `channel:threadTs` or `direct:team:user` (the
   * seller's DM with the app), WhatsApp the sender's `+E164` number (as whatsapp-router.ts
   * names it; a `whatsapp:` prefix is taken too), the terminal `terminal-<uuid>`.
   */
  conversationId: string;
  /** The chat identity's external id (Slack `teamId:userId`, WhatsApp `+E164`; the terminal `local`). */
  identity: string;
}

/** A message sent; `ref` when the channel can edit it later (Slack's `ts`; its channel follows from the address). */
export interface PostedMessage {
  address: ChatAddress;
  ref?: string;
}

export interface ChatNotifier {
  /** Sends a message; undefined when the channel is not configured in this process or refused it (logged). Never throws. */
  post(address: ChatAddress, reply: Reply): Promise<PostedMessage | undefined>;
  /** Replaces a message's content where the channel can (`ref` set); false otherwise. */
  update(message: PostedMessage, reply: Reply): Promise<boolean>;
  /** Whether messages of this channel can be edited in place (progress updated, not repeated). */
  editable(channel: Channel): boolean;
  /** Whether this channel's messages carry their charts (WhatsApp's, sent unasked, do not). */
  showsCharts(channel: Channel): boolean;
}

/** One channel's part of a notifier (notifier.ts picks it by the address's channel). */
export interface ChannelNotifier {
  readonly editable: boolean;
  readonly showsCharts: boolean;
  post(address: ChatAddress, reply: Reply): Promise<PostedMessage | undefined>;
  update?(message: PostedMessage, reply: Reply): Promise<boolean>;
}

/** The seller's own conversation with ShopIQ for a chat identity: Slack the DM with the app, WhatsApp the number. */
export function directAddress(channel: 'slack' | 'whatsapp', externalId: string): ChatAddress {
  return { channel, conversationId: channel === 'slack' ? `direct:${externalId}` : externalId, identity: externalId };
}

/**
 * What every Slack listener does with a message once it knows where it came from:
 * turn it into the gateway's `InboundMessage` (identity `teamId:userId`, first
 * contact's timezone and name from `users.info`) and hand it over with the output
 * that answers there. A listener acks, calls one of these, and returns.
 */
import type { WebClient } from '@slack/web-api';
import type pg from 'pg';
import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ChatGateway, InboundMessage } from '../chat-gateway.ts';
import { SlackDirectOutput, type SlackRespond, SlackThreadOutput } from './slack-output.ts';

export interface SlackDeps {
  gateway: ChatGateway;
  db: pg.Pool;
  log: Logger;
  scheduler: Scheduler | undefined;
  staleAfterMs: number;
}

export interface SlackSender {
  client: WebClient;
  /** Slack's id of this delivery (event_id, trigger_id, action_ts): retries carry the same. */
  deliveryId: string;
  teamId: string;
  userId: string;
  text: string;
}

export const threadConversation = (channel: string, threadTs: string) => `${channel}:${threadTs}`;

export function slackInbound(sender: SlackSender, conversationId: string): InboundMessage {
  return {
    deliveryId: sender.deliveryId,
    identity: { channel: 'slack', externalId: `${sender.teamId}:${sender.userId}` },
    conversationId,
    text: sender.text,
    profile: async () => {
      const info = await sender.client.users.info({ user: sender.userId });
      return { timezone: info.user?.tz, displayName: info.user?.real_name || info.user?.name };
    },
  };
}

/** A DM, a mention or a thread reply: answered in its thread, streamed. */
export function answerInThread(
  deps: SlackDeps,
  sender: SlackSender,
  where: { channel: string; threadTs: string },
): Promise<unknown> {
  const output = new SlackThreadOutput(
    sender.client,
    { ...where, teamId: sender.teamId, userId: sender.userId },
    deps.log.child({ channel: 'slack', slackChannel: where.channel }),
  );
  return deps.gateway.receive(slackInbound(sender, threadConversation(where.channel, where.threadTs)), output);
}

/** A slash command or a button: answered ephemerally through `respond`, or in the seller's DM. */
export function answerDirectly(deps: SlackDeps, sender: SlackSender, respond?: SlackRespond): Promise<unknown> {
  const output = new SlackDirectOutput(
    sender.client,
    { userId: sender.userId, respond },
    deps.log.child({ channel: 'slack' }),
  );
  return deps.gateway.receive(slackInbound(sender, `direct:${sender.teamId}:${sender.userId}`), output);
}

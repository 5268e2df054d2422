/**
 * The chat notifier of a process, built from its configuration (any role: the web
 * process announces an OAuth callback's outcome, a worker a backfill's progress): each
 * channel's part where the channel is configured, the terminal's always (it reaches
 * only terminal chats running in this process). A notice to a channel that is not
 * configured here is dropped, said in a debug line; a failing part never throws.
 */
import type pg from 'pg';
import type { Config } from '../config/config.ts';
import type { Reply } from '../conversation/reply.ts';
import type { TokenVault } from '../crypto/token-vault.ts';
import type { Channel } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import type { ChannelNotifier, ChatAddress, ChatNotifier, PostedMessage } from './chat-notifier.ts';
import { SlackNotifier } from './slack/slack-notifier.ts';
import { terminalNotifier } from './terminal/terminal-notifier.ts';
import { twilioRest } from './whatsapp/twilio-rest.ts';
import { WhatsAppNotifier } from './whatsapp/whatsapp-notifier.ts';
import { WhatsAppSender } from './whatsapp/whatsapp-sender.ts';

export interface ChatNotifierDeps {
  config: Pick<Config, 'slack' | 'twilio' | 'publicBaseUrl'>;
  db: pg.Pool;
  vault: TokenVault;
  log: Logger;
  /** The process's WhatsApp sender, whose pace every message shares; one is made when absent. */
  whatsappSender?: WhatsAppSender | undefined;
}

export function createChatNotifier(deps: ChatNotifierDeps): ChatNotifier {
  const { config, db, vault, log } = deps;
  const parts: Partial<Record<Channel, ChannelNotifier>> = { terminal: terminalNotifier };
  if (config.slack) parts.slack = new SlackNotifier({ config: config.slack, db, vault, log });
  if (config.twilio) {
    const sender =
      deps.whatsappSender ?? new WhatsAppSender(twilioRest(config.twilio), config.twilio, config.publicBaseUrl, log);
    parts.whatsapp = new WhatsAppNotifier({ sender, db, publicBaseUrl: config.publicBaseUrl, log });
  }
  const partOf = (channel: Channel) => {
    const part = parts[channel];
    if (!part) log.debug({ channel }, 'a notice for a channel not configured in this process: not sent');
    return part;
  };
  return {
    async post(address: ChatAddress, reply: Reply): Promise<PostedMessage | undefined> {
      try {
        return await partOf(address.channel)?.post(address, reply);
      } catch (err) {
        log.error({ err, channel: address.channel }, 'a notice failed');
        return undefined;
      }
    },
    async update(message: PostedMessage, reply: Reply): Promise<boolean> {
      if (message.ref === undefined) return false;
      try {
        return (await partOf(message.address.channel)?.update?.(message, reply)) ?? false;
      } catch (err) {
        log.error({ err, channel: message.address.channel }, 'updating a notice failed');
        return false;
      }
    },
    editable: (channel) => parts[channel]?.editable ?? false,
    showsCharts: (channel) => parts[channel]?.showsCharts ?? false,
  };
}

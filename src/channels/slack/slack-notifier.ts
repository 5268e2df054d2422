/**
 * Notices ShopIQ starts itself, in Slack: into a thread (`channel:threadTs`) or, for a
 * conversation begun with the slash command (`direct:team:user`), into the seller's DM
 * with the app. Drawn like answers (slack-renderer.ts); editable in place (`chat.update`
 * with the message's `ts`). The bot token is the configured one, or, with installs to
 * any workspace, the installation's of the identity's team. Charts are uploaded under
 * the message, as with answers. A Slack refusal is logged
 * with its `error` code and never thrown.
 */
import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type pg from 'pg';
import type { SlackConfig } from '../../config/config.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { TokenVault } from '../../crypto/token-vault.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ChannelNotifier, ChatAddress, PostedMessage } from '../chat-notifier.ts';
import { boltLogger, slackClientOptions } from './slack-app.ts';
import { PostgresInstallationStore } from './slack-installation-store.ts';
import { postSlackMessage, slackErrorCode, uploadSlackCharts } from './slack-output.ts';
import { renderReply } from './slack-renderer.ts';

export interface SlackNotifierDeps {
  config: SlackConfig;
  db: pg.Pool;
  vault: TokenVault;
  log: Logger;
}

/** DM channel ids kept (they never change for a user): enough for the sellers of a busy worker. */
const DM_CACHE_LIMIT = 10_000;

export class SlackNotifier implements ChannelNotifier {
  readonly editable = true;
  readonly showsCharts = true;
  readonly #client: WebClient;
  readonly #botToken: string | undefined;
  readonly #installations: PostgresInstallationStore | undefined;
  readonly #log: Logger;
  /** `team:user` → the DM channel with the app. */
  readonly #dms = new Map<string, string>();

  constructor(deps: SlackNotifierDeps) {
    this.#log = deps.log.child({ channel: 'slack' });
    this.#client = new webApi.WebClient(undefined, {
      ...slackClientOptions(deps.config),
      logger: boltLogger(this.#log),
    });
    this.#botToken = deps.config.botToken;
    this.#installations = deps.config.oauth ? new PostgresInstallationStore(deps.db, deps.vault) : undefined;
  }

  async post(address: ChatAddress, reply: Reply): Promise<PostedMessage | undefined> {
    const token = await this.#token(address);
    if (!token) return undefined;
    try {
      const place = await this.#place(address, token);
      const { main, more } = renderReply(reply);
      const failed = (method: string, err: unknown) => this.#failed(method, err);
      const posted = await postSlackMessage(this.#client, place, main, failed);
      for (const message of more) await postSlackMessage(this.#client, place, message, failed);
      await uploadSlackCharts(this.#client, place, reply, this.#log, failed);
      return { address, ...(posted.ts ? { ref: posted.ts } : {}) };
    } catch (err) {
      this.#failed('chat.postMessage', err);
      return undefined;
    }
  }

  async update(message: PostedMessage, reply: Reply): Promise<boolean> {
    if (!message.ref) return false;
    const token = await this.#token(message.address);
    if (!token) return false;
    try {
      const { channel } = await this.#place(message.address, token);
      const { main } = renderReply(reply);
      await this.#client.chat.update({ token, channel, ts: message.ref, text: main.text, blocks: main.blocks });
      return true;
    } catch (err) {
      this.#failed('chat.update', err);
      return false;
    }
  }

  /** The bot token that speaks in the identity's workspace (`teamId:userId`). */
  async #token(address: ChatAddress): Promise<string | undefined> {
    if (this.#botToken) return this.#botToken;
    const teamId = address.identity.split(':')[0];
    if (this.#installations && teamId) {
      try {
        const installation = await this.#installations.fetchInstallation({
          teamId,
          enterpriseId: undefined,
          isEnterpriseInstall: false,
        });
        if (installation.bot?.token) return installation.bot.token;
      } catch (err) {
        this.#log.warn({ err, teamId }, 'no Slack installation for this workspace: notice not sent');
        return undefined;
      }
    }
    this.#log.warn({ teamId }, 'no Slack bot token for this workspace: notice not sent');
    return undefined;
  }

  /** A thread's channel and ts, or the DM of a `direct:team:user` conversation (the channel id Slack gives it). */
  async #place(address: ChatAddress, token: string): Promise<{ channel: string; thread_ts?: string; token: string }> {
    const direct = /^direct:([^:]+):([^:]+)$/.exec(address.conversationId);
    if (direct) {
      const key = `${direct[1]}:${direct[2]}`;
      let channel = this.#dms.get(key);
      if (!channel) {
        const opened = await this.#client.conversations.open({ token, users: direct[2] as string });
        if (!opened.channel?.id) throw new Error('conversations.open gave no channel');
        channel = opened.channel.id;
        if (this.#dms.size >= DM_CACHE_LIMIT) this.#dms.clear();
        this.#dms.set(key, channel);
      }
      return { channel, token };
    }
    const colon = address.conversationId.indexOf(':');
    if (colon < 1) return { channel: address.conversationId, token };
    return {
      channel: address.conversationId.slice(0, colon),
      thread_ts: address.conversationId.slice(colon + 1),
      token,
    };
  }

  #failed(method: string, err: unknown): void {
    this.#log.error({ slackError: slackErrorCode(err), method }, 'Slack API call failed: notice not delivered');
  }
}

/**
 * Connecting and disconnecting marketplaces from chat. `offer` answers `connect` with a
 * link to ShopIQ's own `/oauth/<marketplace>/start`; `complete` is what a verified
 * callback leads to: the connection saved (a reconnect renews the row, keeping its data
 * and cursors), the seller's recurring sync scheduled, "connected" said in the
 * conversation that asked and the first backfill enqueued, announced there as it goes.
 * `disconnect` forgets the tokens (revoking them where the marketplace allows) and, when
 * asked, deletes what was synced.
 */
import type pg from 'pg';
import type { ChatAddress, ChatNotifier } from '../channels/chat-notifier.ts';
import type { Config } from '../config/config.ts';
import { type Reply, textReply } from '../conversation/reply.ts';
import type { TokenVault } from '../crypto/token-vault.ts';
import type { Marketplace } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import { emptyStats } from '../marketplaces/api-stats.ts';
import { shopifyApp } from '../marketplaces/shopify/shopify-app.ts';
import { ShopifyOAuth } from '../marketplaces/shopify/shopify-oauth.ts';
import { AUTHORIZERS, type AuthorizationTarget, type MarketplaceGrant } from '../oauth/authorizers.ts';
import {
  CONNECT_LINK_TTL_MS,
  type ConnectBinding,
  completeConnectTicket,
  connectLinkUrl,
  issueConnectTicket,
  oauthCallbackUrl,
} from '../oauth/oauth-state.ts';
import { connectedText } from './connect-announcements.ts';
import { deleteConnections, disconnectConnections, saveConnection } from './connection-store.ts';
import { tokenContext } from './connection-tokens.ts';
import { connectAccountOf } from './reauth-notice.ts';

export interface ConnectServiceDeps {
  db: pg.Pool;
  vault: TokenVault;
  config: Config;
  log: Logger;
  /** The sandbox connections go through (SANDBOX_URL, or the demo's); undefined: the real marketplaces. */
  sandboxUrl: () => string | undefined;
  notifier: ChatNotifier | undefined;
  /** Brings the seller's recurring sync in line (a first connection creates it). */
  schedule: ((userId: string) => Promise<unknown>) | undefined;
  /** Enqueues the connection's first sync, announced at `announce`. */
  backfill: ((connectionId: string, announce: ChatAddress) => Promise<unknown>) | undefined;
}

export interface Disconnected {
  /** Connections disconnected (or deleted). */
  count: number;
  /** Whose tokens the marketplace itself was told to revoke. */
  revoked: number;
  /** With `delete`: orders deleted with them. */
  ordersDeleted: number;
}

export class ConnectService {
  readonly #deps: ConnectServiceDeps;

  constructor(deps: ConnectServiceDeps) {
    this.#deps = deps;
  }

  target(sandboxUrl: string | null): AuthorizationTarget {
    return { config: this.#deps.config, sandboxUrl };
  }

  redirectUri(marketplace: Marketplace): string {
    return oauthCallbackUrl(this.#deps.config.publicBaseUrl, marketplace);
  }

  /** The answer to `connect <marketplace> [account]`: a link, or what is missing. */
  async offer(input: {
    userId: string;
    marketplace: Marketplace;
    asked: string | undefined;
    announce: ChatAddress;
  }): Promise<Reply> {
    const { marketplace } = input;
    const authorizer = AUTHORIZERS[marketplace];
    const sandboxUrl = this.#deps.sandboxUrl() ?? null;
    if (!authorizer.available(this.target(sandboxUrl))) {
      return textReply(
        `This ShopIQ is not set up to connect ${authorizer.name} yet: its operator registers ShopIQ's ${authorizer.name} app ` +
          'and sets its credentials (see the README). Your other marketplaces work as before.',
      );
    }
    const asked = authorizer.account(input.asked, sandboxUrl !== null);
    if (!asked.ok) return textReply(asked.message);
    const renewing = await this.#needingReauth(input.userId, marketplace, asked.account);
    const binding: ConnectBinding = {
      userId: input.userId,
      marketplace,
      account: asked.account ?? renewing?.account ?? null,
      connectionId: renewing?.id ?? null,
      sandboxUrl,
      announce: input.announce,
    };
    const ticket = await issueConnectTicket(this.#deps.db, binding, CONNECT_LINK_TTL_MS);
    const url = connectLinkUrl(this.#deps.config.publicBaseUrl, marketplace, ticket);
    const what = `${authorizer.name}${binding.account && marketplace === 'shopify' ? ` (${binding.account})` : ''}`;
    return {
      text:
        `To ${renewing ? 'reconnect' : 'connect'} ${what}, open the link and approve ShopIQ` +
        `${sandboxUrl ? ' (this is the sandbox: you choose which sandbox seller to sign in as)' : ''}. ` +
        `It works for the next ${CONNECT_LINK_TTL_MS / 60_000} minutes, once. ` +
        'I will tell you here when it is connected and as your orders load.',
      tables: [],
      actions: [{ label: `${renewing ? 'Reconnect' : 'Connect'} ${authorizer.name}`, url }],
    };
  }

  /**
   * A callback verified and its code exchanged: the connection saved, the link spent,
   * the sync scheduled, the seller told, the first backfill enqueued.
   */
  async complete(
    ticketId: string,
    binding: ConnectBinding,
    grant: MarketplaceGrant,
  ): Promise<{ connectionId: string; created: boolean }> {
    const { db, vault, log } = this.#deps;
    const saved = await saveConnection(db, vault, {
      userId: binding.userId,
      marketplace: binding.marketplace,
      externalAccountId: grant.externalAccountId,
      displayName: grant.displayName,
      region: grant.region,
      sandboxUrl: binding.sandboxUrl,
      scopes: grant.scopes,
      tokens: grant.tokens,
    });
    await completeConnectTicket(db, ticketId);
    log.info(
      { userId: binding.userId, marketplace: binding.marketplace, connectionId: saved.id, created: saved.created },
      'marketplace connected from chat',
    );
    await this.#deps.schedule?.(binding.userId);
    await this.#deps.notifier
      ?.post(binding.announce, textReply(connectedText(binding.marketplace, grant.displayName)))
      .catch((err: unknown) => log.warn({ err }, 'announcing the connection failed'));
    await this.#deps.backfill?.(saved.id, binding.announce);
    return { connectionId: saved.id, created: saved.created };
  }

  /**
   * Disconnects the seller's connections of a marketplace: the tokens are forgotten at
   * once (a running sync stops at its next page), then revoked at the marketplace where
   * its API allows (Shopify); with `deleteData` the connections go with all their data.
   */
  async disconnect(input: { userId: string; marketplace: Marketplace; deleteData: boolean }): Promise<Disconnected> {
    const { db, log } = this.#deps;
    const which = { marketplace: input.marketplace, userId: input.userId };
    const held = await this.#tokensOf(input.userId, input.marketplace);
    let count: number;
    let ordersDeleted = 0;
    if (input.deleteData) {
      ordersDeleted = await this.countOrders(input.userId, input.marketplace);
      count = (await deleteConnections(db, which)).length;
    } else {
      count = await disconnectConnections(db, which);
    }
    let revoked = 0;
    for (const c of held) {
      if (await this.#revoke(c).catch((err: unknown) => log.warn({ err, connectionId: c.id }, 'revoking failed'))) {
        revoked++;
      }
    }
    await this.#deps.schedule?.(input.userId);
    return { count, revoked, ordersDeleted };
  }

  /** Orders synced from the seller's connections of a marketplace (what `delete` would remove). */
  async countOrders(userId: string, marketplace: Marketplace): Promise<number> {
    const { rows } = await this.#deps.db.query<{ n: string }>(
      `select count(*) as n from unified_order o join marketplace_connection c on c.id = o.connection_id
        where c.user_id = $1 and c.marketplace = $2`,
      [userId, marketplace],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async #needingReauth(
    userId: string,
    marketplace: Marketplace,
    account: string | null,
  ): Promise<{ id: string; account: string | null } | undefined> {
    const { rows } = await this.#deps.db.query<{ id: string; external_account_id: string; region: string | null }>(
      `select id, external_account_id, region from marketplace_connection
        where user_id = $1 and marketplace = $2 and status = 'NEEDS_REAUTH'
          and ($3::text is null or external_account_id = $3 or region = $3)
        order by updated_at desc limit 1`,
      [userId, marketplace, account],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      account: connectAccountOf({ marketplace, externalAccountId: row.external_account_id, region: row.region }),
    };
  }

  /** The sealed access tokens held for the seller's connections of a marketplace. */
  async #tokensOf(userId: string, marketplace: Marketplace): Promise<HeldToken[]> {
    const { rows } = await this.#deps.db.query<HeldToken>(
      `select id, marketplace, external_account_id, sandbox_url, access_token_sealed
         from marketplace_connection where user_id = $1 and marketplace = $2 and access_token_sealed is not null`,
      [userId, marketplace],
    );
    return rows;
  }

  /**
   * Shopify revokes an app's access to a shop (`DELETE /admin/api_permissions/current.json`).
   * Amazon and Flipkart publish no revocation endpoint: the seller removes ShopIQ in
   * Seller Central / Seller Hub; ShopIQ has forgotten the tokens either way.
   */
  async #revoke(c: HeldToken): Promise<boolean> {
    if (c.marketplace !== 'shopify') return false;
    const accessToken = this.#deps.vault.open(c.access_token_sealed, tokenContext(c.id, 'accessTokenSealed'));
    await new ShopifyOAuth(shopifyApp(this.#deps.config, c.sandbox_url), emptyStats()).revoke(
      c.external_account_id,
      accessToken,
    );
    return true;
  }
}

interface HeldToken {
  id: string;
  marketplace: Marketplace;
  external_account_id: string;
  sandbox_url: string | null;
  access_token_sealed: string;
}

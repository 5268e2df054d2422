/**
 * A connection whose marketplace stopped accepting ShopIQ's access (NEEDS_REAUTH) is
 * told to its seller once: a link that signs in to that account again, in the chat the
 * seller last used (Slack: their DM with the app; WhatsApp: their number). The
 * connection is claimed first (`reauth_told_at`, set only where still null), so two
 * workers tell once; a notice that could not be delivered gives the claim back for the
 * next sync. Reconnecting clears it (saveConnection), so a later lapse is told again.
 */
import type pg from 'pg';
import type { ChatAddress, ChatNotifier } from '../channels/chat-notifier.ts';
import { lastUsedAddress } from '../channels/seller-address.ts';
import type { Marketplace } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import { connectLinkUrl, issueConnectTicket, RECONNECT_LINK_TTL_MS } from '../oauth/oauth-state.ts';
import { type ConnectionLabel, reauthReply } from './connect-announcements.ts';

export interface ReauthNoticeDeps {
  pool: pg.Pool;
  notifier: ChatNotifier;
  publicBaseUrl: string;
  log: Logger;
}

interface Untold {
  id: string;
  marketplace: Marketplace;
  external_account_id: string;
  region: string | null;
  sandbox_url: string | null;
}

/** The account a connect link asks for: the Shopify shop, the Amazon marketplace; Flipkart names none. */
export function connectAccountOf(c: { marketplace: Marketplace; externalAccountId: string; region: string | null }) {
  if (c.marketplace === 'shopify') return c.externalAccountId;
  if (c.marketplace === 'amazon') return c.region;
  return null;
}

/**
 * Tells the seller about each connection newly in NEEDS_REAUTH; `addressFor` may name
 * another place for one (the conversation waiting on its backfill). Returns the ids of
 * the connections told.
 */
export async function tellReauthNeeded(
  deps: ReauthNoticeDeps,
  userId: string,
  addressFor: (connectionId: string) => ChatAddress | undefined = () => undefined,
): Promise<string[]> {
  const { pool, log } = deps;
  const { rows } = await pool.query<Untold>(
    `select id, marketplace, external_account_id, region, sandbox_url from marketplace_connection
      where user_id = $1 and status = 'NEEDS_REAUTH' and reauth_told_at is null order by created_at`,
    [userId],
  );
  if (rows.length === 0) return [];
  const lastUsed = await lastUsedAddress(pool, userId);
  const told: string[] = [];
  for (const row of rows) {
    const address = addressFor(row.id) ?? lastUsed;
    if (!address) {
      log.info({ userId, connectionId: row.id }, 'a connection needs signing in again, but the seller has no chat');
      continue;
    }
    if (await tellOne(deps, userId, row, address)) told.push(row.id);
  }
  return told;
}

async function tellOne(deps: ReauthNoticeDeps, userId: string, row: Untold, announce: ChatAddress): Promise<boolean> {
  const { pool, log } = deps;
  const claimed = await pool.query(
    `update marketplace_connection set reauth_told_at = now()
      where id = $1 and status = 'NEEDS_REAUTH' and reauth_told_at is null returning id`,
    [row.id],
  );
  if (claimed.rowCount === 0) return false; // told by another worker meanwhile
  const connection = { marketplace: row.marketplace, externalAccountId: row.external_account_id, region: row.region };
  const account = connectAccountOf(connection);
  let posted: unknown;
  try {
    const ticket = await issueConnectTicket(
      pool,
      { userId, marketplace: row.marketplace, account, connectionId: row.id, sandboxUrl: row.sandbox_url, announce },
      RECONNECT_LINK_TTL_MS,
    );
    const label: ConnectionLabel = { marketplace: row.marketplace, account };
    const url = connectLinkUrl(deps.publicBaseUrl, row.marketplace, ticket);
    posted = await deps.notifier.post(announce, reauthReply(label, url, RECONNECT_LINK_TTL_MS / 86_400_000));
  } catch (err) {
    log.error({ err, userId, connectionId: row.id }, 'the link to sign in again could not be made');
  }
  if (posted) {
    log.info({ userId, connectionId: row.id, channel: announce.channel }, 'told the seller to sign in again');
    return true;
  }
  // a worker that saw the claim passed this connection by: the next sync tells
  await pool.query('update marketplace_connection set reauth_told_at = null where id = $1', [row.id]);
  log.warn(
    { userId, connectionId: row.id },
    'the notice to sign in again was not delivered: the next sync tries again',
  );
  return false;
}

/**
 * A marketplace authorization asked for from chat, in two steps:
 *
 * 1. `connect` (or a reconnect notice) issues a ticket: the link in chat,
 *    `/oauth/<marketplace>/start?ticket=…`, bound to the seller, the marketplace and
 *    account asked for, and the conversation to announce the outcome in.
 * 2. Opening the link issues the OAuth `state` (32 random bytes, ten minutes, single
 *    use) and ties it to the browser that opened it (a random cookie). Opening it again
 *    replaces the state, so a link previewed by a chat app's unfurler still works.
 *
 * The callback takes the state once, only with that browser's cookie: a replayed,
 * expired, unknown or foreign state, or one shown to another marketplace's callback,
 * binds nothing. Only hashes are stored. A ticket whose authorization completed is spent.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { ChatAddress } from '../channels/chat-notifier.ts';
import type { Marketplace } from '../db/enums.ts';

export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** A link answered to `connect`: the seller is there and clicks it now, or asks again. */
export const CONNECT_LINK_TTL_MS = 60 * 60_000;
/** A reconnect link told once when a connection needs signing in again: read maybe days later. */
export const RECONNECT_LINK_TTL_MS = 7 * 86_400_000;

export interface ConnectBinding {
  userId: string;
  marketplace: Marketplace;
  /** Shopify shop domain or Amazon marketplace id asked for; null for Flipkart. */
  account: string | null;
  /** The connection this renews (a reconnect link). */
  connectionId: string | null;
  /** The sandbox the authorization goes through; null: the real marketplace. */
  sandboxUrl: string | null;
  /** Where the outcome is announced. */
  announce: ChatAddress;
}

export type TicketOpened =
  | { ok: true; binding: ConnectBinding; state: string; browser: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'completed' };

export type StateTaken =
  | { ok: true; id: string; binding: ConnectBinding }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' | 'other_browser' };

const hash = (kind: string, secret: string) =>
  createHash('sha256').update(`shopiq-oauth-${kind}:${secret}`).digest('hex');
const token = () => randomBytes(32).toString('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

interface Row {
  id: string;
  user_id: string;
  marketplace: Marketplace;
  account: string | null;
  connection_id: string | null;
  sandbox_url: string | null;
  channel: ChatAddress['channel'];
  conversation_id: string;
  chat_identity: string;
}

const COLUMNS = `s.id, s.user_id, s.marketplace, s.account, s.connection_id, s.sandbox_url, s.channel, s.conversation_id,
  s.chat_identity`;

const bindingOf = (row: Row): ConnectBinding => ({
  userId: row.user_id,
  marketplace: row.marketplace,
  account: row.account,
  connectionId: row.connection_id,
  sandboxUrl: row.sandbox_url,
  announce: { channel: row.channel, conversationId: row.conversation_id, identity: row.chat_identity },
});

/** The ticket of a new connect link (what `/oauth/<marketplace>/start?ticket=` carries). */
export async function issueConnectTicket(
  db: Pick<pg.Pool, 'query'>,
  binding: ConnectBinding,
  ttlMs = CONNECT_LINK_TTL_MS,
): Promise<string> {
  const ticket = token();
  await db.query(
    `insert into oauth_state (ticket_hash, user_id, marketplace, account, connection_id, sandbox_url, channel,
                              conversation_id, chat_identity, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now() + make_interval(secs => $10))`,
    [
      hash('ticket', ticket),
      binding.userId,
      binding.marketplace,
      binding.account,
      binding.connectionId,
      binding.sandboxUrl,
      binding.announce.channel,
      binding.announce.conversationId,
      binding.announce.identity,
      ttlMs / 1000,
    ],
  );
  return ticket;
}

/** Opens a link: a fresh state (replacing any earlier one) and the browser secret its callback must show. */
export async function openConnectTicket(
  db: Pick<pg.Pool, 'query'>,
  ticket: string,
  marketplace: Marketplace,
): Promise<TicketOpened> {
  if (!TOKEN.test(ticket)) return { ok: false, reason: 'unknown' };
  const state = token();
  const browser = token();
  const { rows } = await db.query<Row & { opened: boolean; expired: boolean; completed: boolean }>(
    `with opened as (
       update oauth_state set state_hash = $3, browser_hash = $4, state_used_at = null,
              state_expires_at = least(expires_at, now() + make_interval(secs => $5))
        where ticket_hash = $1 and marketplace = $2 and completed_at is null and expires_at > now()
        returning id)
     select ${COLUMNS}, exists (select 1 from opened where opened.id = s.id) as opened,
            s.expires_at <= now() as expired, s.completed_at is not null as completed
       from oauth_state s where s.ticket_hash = $1 and s.marketplace = $2`,
    [hash('ticket', ticket), marketplace, hash('state', state), hash('browser', browser), OAUTH_STATE_TTL_MS / 1000],
  );
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown' };
  if (!row.opened) return { ok: false, reason: row.completed ? 'completed' : 'expired' };
  return { ok: true, binding: bindingOf(row), state, browser };
}

/**
 * Takes the state a callback of `marketplace` brought, once, in the browser that opened
 * its link. Nothing changes when it is refused.
 */
export async function takeOAuthState(
  db: Pick<pg.Pool, 'query'>,
  state: string,
  marketplace: Marketplace,
  browser: string | undefined,
): Promise<StateTaken> {
  if (!TOKEN.test(state)) return { ok: false, reason: 'unknown' };
  const { rows } = await db.query<Row & { taken: boolean; expired: boolean; used: boolean; same_browser: boolean }>(
    `with taken as (
       update oauth_state set state_used_at = now()
        where state_hash = $1 and marketplace = $2 and browser_hash = $3 and state_used_at is null
          and completed_at is null and state_expires_at > now()
        returning id)
     select ${COLUMNS}, exists (select 1 from taken where taken.id = s.id) as taken,
            s.state_expires_at <= now() as expired, (s.state_used_at is not null or s.completed_at is not null) as used,
            s.browser_hash = $3 as same_browser
       from oauth_state s where s.state_hash = $1 and s.marketplace = $2`,
    [hash('state', state), marketplace, browser && TOKEN.test(browser) ? hash('browser', browser) : null],
  );
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.taken) return { ok: true, id: row.id, binding: bindingOf(row) };
  if (row.used) return { ok: false, reason: 'used' };
  if (row.expired) return { ok: false, reason: 'expired' };
  return { ok: false, reason: row.same_browser ? 'used' : 'other_browser' };
}

/** Where a state's authorization goes (the sandbox or the real marketplace), without taking it; undefined: no such state. */
export async function stateTarget(
  db: Pick<pg.Pool, 'query'>,
  state: string,
  marketplace: Marketplace,
): Promise<{ sandboxUrl: string | null } | undefined> {
  if (!TOKEN.test(state)) return undefined;
  const { rows } = await db.query<{ sandbox_url: string | null }>(
    'select sandbox_url from oauth_state where state_hash = $1 and marketplace = $2',
    [hash('state', state), marketplace],
  );
  return rows[0] ? { sandboxUrl: rows[0].sandbox_url } : undefined;
}

/** The authorization went through: its link is spent. */
export async function completeConnectTicket(db: Pick<pg.Pool, 'query'>, id: string): Promise<void> {
  await db.query('update oauth_state set completed_at = now() where id = $1', [id]);
}

/** Links a day past their expiry: nothing is left to check against them. */
export async function purgeOAuthStates(db: Pick<pg.Pool, 'query'>): Promise<void> {
  await db.query(`delete from oauth_state where expires_at < now() - interval '1 day'`);
}

/** Where a marketplace sends the browser back after consent (the redirect URI registered with it). */
export const oauthCallbackUrl = (publicBaseUrl: string, marketplace: Marketplace) =>
  `${publicBaseUrl}/oauth/${marketplace}/callback`;

/** The link a seller follows from chat. */
export const connectLinkUrl = (publicBaseUrl: string, marketplace: Marketplace, ticket: string) =>
  `${publicBaseUrl}/oauth/${marketplace}/start?ticket=${ticket}`;

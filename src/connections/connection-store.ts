/**
 * Saving a marketplace connection once its OAuth grant is in hand: created, or (same
 * seller, marketplace and account) given the new tokens, keeping its data and cursors
 * (a reconnect after `NEEDS_REAUTH` or a disconnect goes on where it stopped). Tokens
 * are sealed against the row's id, so the id is fixed before sealing. Disconnecting
 * forgets the tokens; deleting removes the connection with everything synced under it.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { TokenVault } from '../crypto/token-vault.ts';
import type { Marketplace } from '../db/enums.ts';
import { inTransaction } from '../db/pool.ts';
import { type ConnectionTokens, sealTokens } from './connection-tokens.ts';

export interface NewConnection {
  userId: string;
  marketplace: Marketplace;
  externalAccountId: string;
  displayName: string | null;
  region: string | null;
  sandboxUrl: string | null;
  scopes: string[];
  tokens: ConnectionTokens;
}

export async function saveConnection(
  pool: pg.Pool,
  vault: TokenVault,
  c: NewConnection,
): Promise<{ id: string; created: boolean }> {
  return inTransaction(pool, async (client) => {
    const existing = await client.query<{ id: string }>(
      `select id from marketplace_connection where user_id = $1 and marketplace = $2 and external_account_id = $3
       for update`,
      [c.userId, c.marketplace, c.externalAccountId],
    );
    const id = existing.rows[0]?.id ?? randomUUID();
    const sealed = sealTokens(id, c.tokens, vault);
    await client.query(
      `insert into marketplace_connection
         (id, user_id, marketplace, external_account_id, display_name, region, sandbox_url, status,
          access_token_sealed, refresh_token_sealed, token_expires_at, scopes, cursors, connected_at,
          created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'CONNECTED', $8, $9, $10, $11, '{}', now(), now(), now())
       on conflict (id) do update set
         display_name = excluded.display_name, region = excluded.region, sandbox_url = excluded.sandbox_url,
         status = 'CONNECTED', access_token_sealed = excluded.access_token_sealed,
         refresh_token_sealed = excluded.refresh_token_sealed, token_expires_at = excluded.token_expires_at,
         scopes = excluded.scopes, last_error = null, reauth_told_at = null, connected_at = now(), updated_at = now()`,
      [
        id,
        c.userId,
        c.marketplace,
        c.externalAccountId,
        c.displayName,
        c.region,
        c.sandboxUrl,
        sealed.accessTokenSealed,
        sealed.refreshTokenSealed,
        sealed.tokenExpiresAt,
        c.scopes,
      ],
    );
    return { id, created: existing.rows.length === 0 };
  });
}

/**
 * Disconnects marketplace connections (a seller's, or every one of an account: a shop
 * that uninstalled the app): their tokens are forgotten and they are no longer synced.
 * A sync running at that moment stops at its next page (commitPage refuses a
 * disconnected connection) and nothing it writes afterwards (tokens it refreshed, its
 * final status) brings the connection back. Their synced data stays. Returns how many
 * were connected.
 */
export async function disconnectConnections(
  db: Pick<pg.Pool, 'query'>,
  which: { marketplace: Marketplace; userId?: string; account?: string },
): Promise<number> {
  const { rowCount } = await db.query(
    `update marketplace_connection
        set status = 'DISCONNECTED', access_token_sealed = null, refresh_token_sealed = null, token_expires_at = null,
            updated_at = now()
      where marketplace = $1 and ($2::uuid is null or user_id = $2) and ($3::text is null or external_account_id = $3)
        and status <> 'DISCONNECTED'`,
    [which.marketplace, which.userId ?? null, which.account ?? null],
  );
  return rowCount ?? 0;
}

/**
 * Deletes connections (a seller's `disconnect … delete`, a shop's `shop/redact`) with
 * everything synced under them: orders, items, products, quarantined records and runs
 * go with the row; the rollup marks their deletion left behind go too. Returns the ids.
 */
export async function deleteConnections(
  pool: pg.Pool,
  which: { marketplace: Marketplace; userId?: string; account?: string },
): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `delete from marketplace_connection
        where marketplace = $1 and ($2::uuid is null or user_id = $2) and ($3::text is null or external_account_id = $3)
        returning id`,
      [which.marketplace, which.userId ?? null, which.account ?? null],
    );
    const ids = rows.map((r) => r.id);
    // deleting the orders marked their days for the rollup: those marks name the connection too
    await client.query('delete from sales_rollup_mark where connection_id = any($1::uuid[])', [ids]);
    return ids;
  });
}

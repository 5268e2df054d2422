/**
 * Reading and writing a connection's OAuth tokens. Tokens exist in plaintext only in
 * memory, between these functions and the marketplace client that uses them; in the
 * database they are sealed and bound to the connection's id and the column.
 */
import type pg from 'pg';
import type { SealContext, TokenVault } from '../crypto/token-vault.ts';
import type { IMarketplaceConnection } from '../db/entities/marketplace-connection.entity.ts';

export const TOKEN_FIELDS = {
  accessTokenSealed: 'access_token',
  refreshTokenSealed: 'refresh_token',
} as const;
export type TokenField = keyof typeof TOKEN_FIELDS;

export interface ConnectionTokens {
  accessToken: string;
  refreshToken?: string | undefined;
  expiresAt?: Date | undefined;
}

export function tokenContext(connectionId: string, field: TokenField): SealContext {
  return { table: 'marketplace_connection', rowId: connectionId, field: TOKEN_FIELDS[field] };
}

/** The sealed column values of a connection's tokens. */
export function sealTokens(connectionId: string, tokens: ConnectionTokens, vault: TokenVault) {
  return {
    accessTokenSealed: vault.seal(tokens.accessToken, tokenContext(connectionId, 'accessTokenSealed')),
    refreshTokenSealed: tokens.refreshToken
      ? vault.seal(tokens.refreshToken, tokenContext(connectionId, 'refreshTokenSealed'))
      : null,
    tokenExpiresAt: tokens.expiresAt ?? null,
  };
}

/** Seals the tokens onto the entity (the caller flushes). */
export function storeTokens(connection: IMarketplaceConnection, tokens: ConnectionTokens, vault: TokenVault): void {
  Object.assign(connection, sealTokens(connection.id, tokens, vault));
}

type SealedTokens = Pick<IMarketplaceConnection, 'id' | 'accessTokenSealed' | 'refreshTokenSealed' | 'tokenExpiresAt'>;

/** Opens the tokens of a connection loaded with its lazy token columns populated. */
export function readTokens(connection: SealedTokens, vault: TokenVault): ConnectionTokens | undefined {
  if (!connection.accessTokenSealed) return undefined;
  return {
    accessToken: vault.open(connection.accessTokenSealed, tokenContext(connection.id, 'accessTokenSealed')),
    refreshToken: connection.refreshTokenSealed
      ? vault.open(connection.refreshTokenSealed, tokenContext(connection.id, 'refreshTokenSealed'))
      : undefined,
    expiresAt: connection.tokenExpiresAt ?? undefined,
  };
}

/**
 * Seals and saves renewed tokens of a connection straight to its row (sync runs work in
 * SQL); never to a connection disconnected meanwhile (its tokens stay forgotten).
 */
export async function saveTokens(
  db: Pick<pg.Pool, 'query'>,
  vault: TokenVault,
  connectionId: string,
  tokens: ConnectionTokens,
): Promise<void> {
  const sealed = sealTokens(connectionId, tokens, vault);
  await db.query(
    `update marketplace_connection
        set access_token_sealed = $2, refresh_token_sealed = $3, token_expires_at = $4, updated_at = now()
      where id = $1 and status <> 'DISCONNECTED'`,
    [connectionId, sealed.accessTokenSealed, sealed.refreshTokenSealed, sealed.tokenExpiresAt],
  );
}

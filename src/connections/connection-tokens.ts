/**
 * Reading and writing a connection's OAuth tokens. Tokens exist in plaintext only in
 * memory, between these functions and the marketplace client that uses them; in the
 * database they are sealed and bound to the connection's id and the column.
 */
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

/** Seals the tokens onto the entity (the caller flushes). */
export function storeTokens(connection: IMarketplaceConnection, tokens: ConnectionTokens, vault: TokenVault): void {
  connection.accessTokenSealed = vault.seal(tokens.accessToken, tokenContext(connection.id, 'accessTokenSealed'));
  connection.refreshTokenSealed = tokens.refreshToken
    ? vault.seal(tokens.refreshToken, tokenContext(connection.id, 'refreshTokenSealed'))
    : null;
  connection.tokenExpiresAt = tokens.expiresAt ?? null;
}

/** Opens the tokens of a connection loaded with its lazy token columns populated. */
export function readTokens(connection: IMarketplaceConnection, vault: TokenVault): ConnectionTokens | undefined {
  if (!connection.accessTokenSealed) return undefined;
  return {
    accessToken: vault.open(connection.accessTokenSealed, tokenContext(connection.id, 'accessTokenSealed')),
    refreshToken: connection.refreshTokenSealed
      ? vault.open(connection.refreshTokenSealed, tokenContext(connection.id, 'refreshTokenSealed'))
      : undefined,
    expiresAt: connection.tokenExpiresAt ?? undefined,
  };
}

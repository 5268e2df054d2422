/**
 * Keeps a connection's access token usable: refreshes it shortly before it expires
 * and when the API rejects it (401), one refresh at a time however many requests ask.
 * A refreshed token (and a rotated refresh token) is persisted before it is used, so
 * a crash right after a refresh never strands the connection with a spent token.
 */
import type { ConnectionTokens } from '../connections/connection-tokens.ts';
import type { Marketplace } from '../db/enums.ts';
import { MarketplaceError } from './marketplace-error.ts';

export interface TokenManagerOptions {
  marketplace: Marketplace;
  tokens: ConnectionTokens;
  /** Gets new tokens (refresh-token or client-credentials grant); absent when the token cannot be renewed. */
  refresh?: ((current: ConnectionTokens) => Promise<ConnectionTokens>) | undefined;
  /** Stores new tokens (sealed) before they are used. */
  persist: (tokens: ConnectionTokens) => Promise<void>;
  /** Refresh this long before expiry (default 5 minutes; at most half the life of a token this manager got). */
  skewMs?: number;
  now?: () => number;
}

export class TokenManager {
  readonly #options: TokenManagerOptions;
  #tokens: ConnectionTokens;
  #refreshing: Promise<void> | undefined;
  /** When this manager got the current token; unknown for the one it started with. */
  #obtainedAt: number | undefined;
  refreshes = 0;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#tokens = options.tokens;
  }

  async accessToken(): Promise<string> {
    const expiresAt = this.#tokens.expiresAt?.getTime();
    if (expiresAt !== undefined && this.#options.refresh && expiresAt - this.#now() < this.#margin(expiresAt)) {
      await this.#refresh();
    }
    return this.#tokens.accessToken;
  }

  /** How early to refresh: a token living less than the skew would otherwise be renewed before every request. */
  #margin(expiresAt: number): number {
    const skew = this.#options.skewMs ?? 300_000;
    if (this.#obtainedAt === undefined) return skew;
    return Math.min(skew, Math.max(0, expiresAt - this.#obtainedAt) / 2);
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  /**
   * The API rejected `rejected`: refresh unless someone already did. Throws auth_revoked
   * when the token cannot be renewed, so the caller does not retry in vain.
   */
  async renewAfterRejection(rejected: string): Promise<void> {
    if (this.#tokens.accessToken !== rejected) return;
    if (!this.#options.refresh) {
      throw new MarketplaceError(this.#options.marketplace, 'auth_revoked', 'the access token was rejected (401)', {
        status: 401,
      });
    }
    await this.#refresh();
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      const refresh = this.#options.refresh;
      if (!refresh) return;
      const next = await refresh(this.#tokens);
      const obtainedAt = this.#now();
      await this.#options.persist(next);
      this.#tokens = next;
      this.#obtainedAt = obtainedAt;
      this.refreshes++;
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }
}

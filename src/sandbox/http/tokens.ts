/**
 * OAuth artefacts the sandbox hands out: authorization codes (one use, short-lived),
 * access tokens (optionally expiring: the `tokenTtl` fault) and refresh tokens
 * (rotating when the marketplace rotates them), revoked together when a store uninstalls
 * the app. All in memory, keyed by random values.
 */
import { randomBytes } from 'node:crypto';

export interface Grant {
  storeKey: string;
  scope?: string;
}

interface Issued extends Grant {
  expiresAt: number | undefined;
}

export class TokenStore {
  readonly #codes = new Map<string, Issued & { redirectUri?: string }>();
  readonly #access = new Map<string, Issued>();
  readonly #refresh = new Map<string, Grant>();
  readonly #refreshed = new Map<string, number>();

  issueCode(grant: Grant & { redirectUri?: string }, ttlS = 300): string {
    const code = randomBytes(16).toString('hex');
    this.#codes.set(code, { ...grant, expiresAt: Date.now() + ttlS * 1000 });
    return code;
  }

  /** One use only; undefined when unknown, used or expired. */
  redeemCode(code: string): (Grant & { redirectUri?: string }) | undefined {
    const issued = this.#codes.get(code);
    this.#codes.delete(code);
    if (!issued || (issued.expiresAt !== undefined && issued.expiresAt < Date.now())) return undefined;
    return issued;
  }

  issueAccess(grant: Grant, prefix: string, ttlS?: number): { token: string; expiresIn: number | undefined } {
    const token = `${prefix}${randomBytes(20).toString('hex')}`;
    this.#access.set(token, { ...grant, expiresAt: ttlS === undefined ? undefined : Date.now() + ttlS * 1000 });
    return { token, expiresIn: ttlS };
  }

  issueRefresh(grant: Grant, prefix: string): string {
    const token = `${prefix}${randomBytes(24).toString('hex')}`;
    this.#refresh.set(token, grant);
    return token;
  }

  /** Refresh tokens that rotate are used up by this call. */
  useRefresh(token: string, rotate: boolean): Grant | undefined {
    const grant = this.#refresh.get(token);
    if (grant && rotate) this.#refresh.delete(token);
    if (grant) this.#refreshed.set(grant.storeKey, this.refreshes(grant.storeKey) + 1);
    return grant;
  }

  /**
   * Uninstall: every code, access and refresh token issued for the store stops working.
   * The sandbox has one app per marketplace, so these are all that app's.
   */
  revokeStore(storeKey: string): void {
    for (const issued of [this.#codes, this.#access, this.#refresh]) {
      for (const [token, grant] of issued) if (grant.storeKey === storeKey) issued.delete(token);
    }
  }

  /** Refreshes granted to a store's tokens so far: how often its clients renewed them. */
  refreshes(storeKey: string): number {
    return this.#refreshed.get(storeKey) ?? 0;
  }

  /** The seller withdrew the app's access: the access or refresh token `token` is refused from now on. */
  revoke(token: string): boolean {
    const access = this.#access.delete(token);
    return this.#refresh.delete(token) || access;
  }

  /** 'expired' is told apart from unknown: the real APIs answer both with 401, clients react the same. */
  verify(token: string | undefined): Grant | 'expired' | undefined {
    if (!token) return undefined;
    const issued = this.#access.get(token);
    if (!issued) return undefined;
    if (issued.expiresAt !== undefined && issued.expiresAt <= Date.now()) return 'expired';
    return issued;
  }
}

/**
 * Connects a seller to the sandbox marketplaces the way a real seller connects, for
 * scripts (`shopiq sandbox-connect`) and the zero-config first run: each marketplace's
 * authorization (authorizers.ts, as chat's `connect` uses it), its consent page's form
 * posted as the seller's click would, the callback checked, the code exchanged, the
 * tokens sealed and stored.
 */
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import type pg from 'pg';
import type { Config } from '../config/config.ts';
import type { TokenVault } from '../crypto/token-vault.ts';
import { MARKETPLACES, type Marketplace } from '../db/enums.ts';
import { AppError } from '../errors/app-error.ts';
import { AUTHORIZERS } from '../oauth/authorizers.ts';
import { oauthCallbackUrl } from '../oauth/oauth-state.ts';
import { saveConnection } from './connection-store.ts';
import { type SandboxStore, sandboxStores } from './sandbox-stores.ts';

export interface SandboxConnectResult {
  userId: string;
  sellerName: string;
  createdSeller: boolean;
  connections: { marketplace: Marketplace; account: string; connectionId: string }[];
  /** Stores of the seller that this version cannot connect yet. */
  skipped: { marketplace: string; account: string; reason: string }[];
}

export interface SandboxConnectDeps {
  pool: pg.Pool;
  vault: TokenVault;
  config: Config;
}

export async function connectSandboxSeller(
  deps: SandboxConnectDeps,
  input: { sandboxUrl: string; seller?: string | undefined },
): Promise<SandboxConnectResult> {
  const sandboxUrl = input.sandboxUrl.replace(/\/+$/, '');
  const stores = await sandboxStores(sandboxUrl);
  const wanted = (input.seller ?? '1').trim().toLowerCase();
  const mine = stores.filter((s) => String(s.seller) === wanted || s.sellerName.toLowerCase() === wanted);
  if (mine.length === 0) {
    const names = [...new Set(stores.map((s) => `${s.seller} (${s.sellerName})`))].join(', ');
    throw new AppError('NOT_FOUND', `the sandbox has no seller "${input.seller}"; it has: ${names}`);
  }
  const sellerName = (mine[0] as SandboxStore).sellerName;
  const { userId, created } = await sellerFor(deps.pool, sandboxUrl, sellerName, mine);
  const result: SandboxConnectResult = { userId, sellerName, createdSeller: created, connections: [], skipped: [] };
  for (const store of mine) {
    if (!(MARKETPLACES as readonly string[]).includes(store.marketplace)) {
      result.skipped.push({ marketplace: store.marketplace, account: store.accountId, reason: 'not supported yet' });
      continue;
    }
    const marketplace = store.marketplace as Marketplace;
    const grant = await authorizeStore(deps.config, sandboxUrl, marketplace, store);
    const saved = await saveConnection(deps.pool, deps.vault, {
      userId,
      marketplace,
      externalAccountId: grant.externalAccountId,
      displayName: `${sellerName} (${marketplace} sandbox)`,
      region: grant.region,
      sandboxUrl,
      scopes: grant.scopes,
      tokens: grant.tokens,
    });
    result.connections.push({ marketplace, account: store.accountId, connectionId: saved.id });
  }
  return result;
}

/** One store's authorization, as its real flow goes: consent (approved as the seller would), the callback checked, the code exchanged. */
async function authorizeStore(config: Config, sandboxUrl: string, marketplace: Marketplace, store: SandboxStore) {
  const authorizer = AUTHORIZERS[marketplace];
  const target = { config, sandboxUrl };
  const account =
    marketplace === 'shopify'
      ? store.accountId
      : marketplace === 'amazon'
        ? (store.amazonMarketplace?.id ?? null)
        : null;
  if (marketplace === 'amazon' && !account) {
    throw new AppError('BAD_REQUEST', `the sandbox's Amazon store ${store.key} names no marketplace`);
  }
  const state = randomBytes(32).toString('base64url');
  const redirectUri = oauthCallbackUrl(config.publicBaseUrl, marketplace);
  const url = new URL(authorizer.consentUrl(target, { account, state, redirectUri }));
  // the sandbox's stand-in for the seller who signs in
  if (marketplace !== 'shopify') url.searchParams.set('seller', store.accountId);
  const callback = await approve(url.toString());
  authorizer.check(target, callback);
  if (callback.state !== state) throw new AppError('BAD_REQUEST', `${authorizer.name} answered with another state`);
  // a Flipkart store's account is the sandbox's seller id; an Amazon one must be the partner asked for
  const renewing = marketplace === 'shopify' ? null : store.accountId;
  return authorizer.finish(target, callback, { account, state, redirectUri, renewing });
}

/** The seller already connected to these sandbox stores, or a new one. */
async function sellerFor(
  pool: pg.Pool,
  sandboxUrl: string,
  sellerName: string,
  stores: SandboxStore[],
): Promise<{ userId: string; created: boolean }> {
  const { rows } = await pool.query<{ user_id: string }>(
    `select user_id from marketplace_connection where sandbox_url = $1 and external_account_id = any($2)
      order by created_at limit 1`,
    [sandboxUrl, stores.map((s) => s.accountId)],
  );
  if (rows[0]) return { userId: rows[0].user_id, created: false };
  const created = await pool.query<{ id: string }>(
    `insert into "user" (id, display_name, timezone, reporting_currency, sync_tier, created_at, updated_at)
     values (gen_random_uuid(), $1, 'UTC', 'USD', 'twice_daily', now(), now()) returning id`,
    [sellerName],
  );
  return { userId: created.rows[0]?.id as string, created: true };
}

/**
 * The browser step: the seller approves on the consent page, i.e. its form posts the
 * authorize URL's parameters back to the same path; the redirect's query is the callback.
 */
async function approve(url: string): Promise<Record<string, string>> {
  const authorize = new URL(url);
  const response = await axios.post(`${authorize.origin}${authorize.pathname}`, authorize.searchParams.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    maxRedirects: 0,
    validateStatus: () => true,
    timeout: 10_000,
  });
  const location = response.headers.location as string | undefined;
  if (response.status !== 302 || !location) {
    throw new AppError('BAD_REQUEST', `the sandbox did not approve the authorization (HTTP ${response.status})`);
  }
  return Object.fromEntries(new URL(location).searchParams);
}

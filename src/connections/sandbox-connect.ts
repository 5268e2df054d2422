/**
 * Connects a seller to the sandbox marketplaces the way a real seller connects: the
 * OAuth authorize step (the sandbox approves at once, as a seller clicking "Install"
 * would), the callback checked, the code exchanged, the tokens sealed and stored.
 * The zero-config first run uses the same path with the local sandbox.
 */
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import type pg from 'pg';
import { z } from 'zod';
import type { Config } from '../config/config.ts';
import type { TokenVault } from '../crypto/token-vault.ts';
import type { Marketplace } from '../db/enums.ts';
import { AppError } from '../errors/app-error.ts';
import { amazonApp } from '../marketplaces/amazon/amazon-app.ts';
import { AmazonOAuth, consentUrl } from '../marketplaces/amazon/amazon-oauth.ts';
import { emptyStats } from '../marketplaces/api-stats.ts';
import { FLIPKART_SCOPE, flipkartApp } from '../marketplaces/flipkart/flipkart-app.ts';
import { FlipkartOAuth, authorizeUrl as flipkartAuthorizeUrl } from '../marketplaces/flipkart/flipkart-oauth.ts';
import { shopifyApp } from '../marketplaces/shopify/shopify-app.ts';
import { authorizeUrl, completeAuthorization } from '../marketplaces/shopify/shopify-oauth.ts';
import { saveConnection } from './connection-store.ts';
import type { ConnectionTokens } from './connection-tokens.ts';

const storesSchema = z.object({
  stores: z.array(
    z.object({
      key: z.string(),
      seller: z.number(),
      sellerName: z.string(),
      marketplace: z.string(),
      accountId: z.string(),
      currency: z.string(),
      amazonMarketplace: z.object({ id: z.string() }).nullish(),
    }),
  ),
});
type SandboxStore = z.infer<typeof storesSchema>['stores'][number];

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
    const connect = CONNECTORS[store.marketplace as Marketplace];
    if (!connect) {
      result.skipped.push({ marketplace: store.marketplace, account: store.accountId, reason: 'not supported yet' });
      continue;
    }
    const state = randomBytes(16).toString('hex');
    const redirectUri = `${deps.config.publicBaseUrl}/oauth/${store.marketplace}/callback`;
    const grant = await connect({ config: deps.config, sandboxUrl, store, state, redirectUri });
    const saved = await saveConnection(deps.pool, deps.vault, {
      userId,
      marketplace: store.marketplace as Marketplace,
      externalAccountId: store.accountId,
      displayName: `${sellerName} (${store.marketplace} sandbox)`,
      region: grant.region ?? null,
      sandboxUrl,
      scopes: grant.scopes,
      tokens: grant.tokens,
    });
    result.connections.push({
      marketplace: store.marketplace as Marketplace,
      account: store.accountId,
      connectionId: saved.id,
    });
  }
  return result;
}

interface ConnectInput {
  config: Config;
  sandboxUrl: string;
  store: SandboxStore;
  state: string;
  redirectUri: string;
}

/** Each marketplace's authorization, as its real flow goes: approve, check the callback, exchange. */
const CONNECTORS: Partial<
  Record<
    Marketplace,
    (input: ConnectInput) => Promise<{ tokens: ConnectionTokens; scopes: string[]; region?: string | undefined }>
  >
> = {
  shopify: async ({ config, sandboxUrl, store, state, redirectUri }) => {
    const app = shopifyApp(config, sandboxUrl);
    const callback = await approve(authorizeUrl(app, { shop: store.accountId, state, redirectUri }));
    const grant = await completeAuthorization(app, emptyStats(), callback, { state, shop: store.accountId });
    return { tokens: grant, scopes: grant.scopes };
  },
  flipkart: async ({ config, sandboxUrl, store, state, redirectUri }) => {
    const app = flipkartApp(config, sandboxUrl);
    const url = new URL(flipkartAuthorizeUrl(app, { state, redirectUri }));
    url.searchParams.set('seller', store.accountId); // the sandbox's stand-in for the seller who logs in
    const callback = await approve(url.toString());
    if (callback.state !== state || !callback.code) {
      throw new AppError('BAD_REQUEST', 'Flipkart authorization came back without its state or code');
    }
    const tokens = await new FlipkartOAuth(app, emptyStats()).exchangeCode(callback.code, redirectUri, state);
    return { tokens, scopes: [FLIPKART_SCOPE] };
  },
  amazon: async ({ config, sandboxUrl, store, state, redirectUri }) => {
    const marketplaceId = store.amazonMarketplace?.id;
    if (!marketplaceId)
      throw new AppError('BAD_REQUEST', `the sandbox's Amazon store ${store.key} names no marketplace`);
    const app = amazonApp(config, sandboxUrl);
    const url = new URL(consentUrl(app, { marketplaceId, state, redirectUri }));
    url.searchParams.set('seller', store.accountId); // the sandbox's stand-in for the seller who signs in
    const callback = await approve(url.toString());
    if (callback.state !== state || !callback.spapi_oauth_code) {
      throw new AppError('BAD_REQUEST', 'Amazon authorization came back without its state or code');
    }
    if (callback.selling_partner_id !== store.accountId) {
      throw new AppError('BAD_REQUEST', 'Amazon authorized another selling partner than the one asked for');
    }
    const tokens = await new AmazonOAuth(app, emptyStats()).exchangeCode(callback.spapi_oauth_code, redirectUri);
    // the marketplace is what the client needs to pick the region host
    return { tokens, scopes: [], region: marketplaceId };
  },
};

async function sandboxStores(sandboxUrl: string): Promise<SandboxStore[]> {
  try {
    const { data } = await axios.get(`${sandboxUrl}/_sandbox/stores`, { timeout: 10_000 });
    return storesSchema.parse(data).stores;
  } catch (cause) {
    const reason = axios.isAxiosError(cause) ? (cause.code ?? `HTTP ${cause.response?.status}`) : 'unexpected answer';
    throw new AppError(
      'BAD_REQUEST',
      `cannot read the sandbox at ${sandboxUrl} (${reason}): is \`shopiq sandbox\` running there?`,
      {
        cause,
      },
    );
  }
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

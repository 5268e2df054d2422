/**
 * Each marketplace's authorization as ShopIQ drives it, for a seller in chat and for
 * `sandbox-connect` alike: what account a seller may ask for, the consent page to send
 * them to, and the callback's checks and code exchange. The `state` is checked by the
 * caller (oauth-state.ts) before `finish`; `check` runs first, before the state is taken,
 * on what can be checked without it (Shopify's HMAC and timestamp).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { ConnectionTokens } from '../connections/connection-tokens.ts';
import { sandboxStores } from '../connections/sandbox-stores.ts';
import { MARKETPLACE_NAMES } from '../conversation/format/labels.ts';
import type { Marketplace } from '../db/enums.ts';
import { AMAZON_MARKETPLACES, amazonApp } from '../marketplaces/amazon/amazon-app.ts';
import { AmazonOAuth, consentUrl } from '../marketplaces/amazon/amazon-oauth.ts';
import { emptyStats } from '../marketplaces/api-stats.ts';
import { FLIPKART_SCOPE, flipkartApp } from '../marketplaces/flipkart/flipkart-app.ts';
import { FlipkartOAuth, authorizeUrl as flipkartAuthorizeUrl } from '../marketplaces/flipkart/flipkart-oauth.ts';
import { SHOP_DOMAIN, shopifyApp } from '../marketplaces/shopify/shopify-app.ts';
import {
  completeAuthorization,
  authorizeUrl as shopifyAuthorizeUrl,
  verifyCallbackHmac,
} from '../marketplaces/shopify/shopify-oauth.ts';

/** Where an authorization goes: the real marketplace (its app from the configuration) or a sandbox. */
export interface AuthorizationTarget {
  config: Pick<Config, 'shopify' | 'flipkart' | 'amazon'>;
  sandboxUrl: string | null;
}

export interface MarketplaceGrant {
  externalAccountId: string;
  displayName: string | null;
  /** Amazon: the marketplace id (it picks the API host). */
  region: string | null;
  scopes: string[];
  tokens: ConnectionTokens;
}

export interface Expected {
  /** The account asked for (Shopify shop, Amazon marketplace id), if any. */
  account: string | null;
  state: string;
  redirectUri: string;
  /** The account of the connection being renewed, if any. */
  renewing: string | null;
}

export type AccountAsked = { ok: true; account: string | null } | { ok: false; message: string };

/** A callback refused: `why` is shown to the seller. */
export class AuthorizationRefused extends Error {
  readonly why: string;
  constructor(why: string) {
    super(`authorization refused: ${why}`);
    this.name = 'AuthorizationRefused';
    this.why = why;
  }
}

export interface MarketplaceAuthorizer {
  readonly name: string;
  /** Whether this process can authorize against the target (the marketplace's app is configured). */
  available(target: AuthorizationTarget): boolean;
  /** The account a seller asked for (`connect shopify my-shop`), normalized; or what is expected. */
  account(asked: string | undefined, sandbox: boolean): AccountAsked;
  consentUrl(
    target: AuthorizationTarget,
    input: { account: string | null; state: string; redirectUri: string },
  ): string;
  /** What can be refused before the state is taken (a forged or stale callback). */
  check(target: AuthorizationTarget, callback: Record<string, string>): void;
  /** The callback checked against what was asked for, and the code exchanged. */
  finish(target: AuthorizationTarget, callback: Record<string, string>, expected: Expected): Promise<MarketplaceGrant>;
}

/** How far a Shopify callback's timestamp may be from now. */
const SHOPIFY_CALLBACK_SKEW_S = 300;

/** A shop domain from what a seller types: `my-shop`, `my-shop.myshopify.com`, or its admin URL. */
export function normalizeShopDomain(asked: string): string | undefined {
  let text = asked.trim().toLowerCase().replace(/^<|>$/g, '');
  // Slack wraps a typed link as <https://x|x>
  text = text.split('|')[0] ?? text;
  if (/^https?:\/\//.test(text)) {
    if (!URL.canParse(text)) return undefined;
    text = new URL(text).hostname;
  }
  text = text.replace(/\/.*$/, '');
  if (/^[a-z0-9][a-z0-9-]*$/.test(text)) text = `${text}.myshopify.com`;
  return SHOP_DOMAIN.test(text) ? text : undefined;
}

/** An Amazon marketplace from what a seller types: a country code (`in`, `us`, `uk`…) or a marketplace id. */
export function amazonMarketplaceOf(asked: string): string | undefined {
  const word = asked.trim();
  if (AMAZON_MARKETPLACES[word]) return word;
  const code = word.toUpperCase().replace(/^GB$/, 'UK');
  return Object.entries(AMAZON_MARKETPLACES).find(([, m]) => m.code === code)?.[0];
}

const AMAZON_CHOICES = Object.values(AMAZON_MARKETPLACES)
  .map((m) => m.code.toLowerCase())
  .join('|');

const shopify: MarketplaceAuthorizer = {
  name: MARKETPLACE_NAMES.shopify,
  available: (t) => Boolean(t.sandboxUrl || (t.config.shopify.apiKey && t.config.shopify.apiSecret)),
  account(asked) {
    if (!asked) return { ok: false, message: 'Which store? `connect shopify <your-store>.myshopify.com`.' };
    const shop = normalizeShopDomain(asked);
    return shop
      ? { ok: true, account: shop }
      : { ok: false, message: `"${asked}" is not a Shopify store address: it looks like your-store.myshopify.com.` };
  },
  consentUrl(t, input) {
    const shop = input.account ?? '';
    // never redirect to a host made from anything but a valid shop domain
    if (!SHOP_DOMAIN.test(shop)) throw new AuthorizationRefused('the store asked for is not a Shopify store address');
    return shopifyAuthorizeUrl(shopifyApp(t.config, t.sandboxUrl), {
      shop,
      state: input.state,
      redirectUri: input.redirectUri,
    });
  },
  check(t, callback) {
    if (!verifyCallbackHmac(callback, shopifyApp(t.config, t.sandboxUrl).clientSecret)) {
      throw new AuthorizationRefused('the answer from Shopify was not signed by Shopify');
    }
    const at = Number(callback.timestamp);
    if (!Number.isFinite(at) || Math.abs(Date.now() / 1000 - at) > SHOPIFY_CALLBACK_SKEW_S) {
      throw new AuthorizationRefused('the answer from Shopify is too old');
    }
  },
  async finish(t, callback, expected) {
    const shop = expected.account ?? '';
    if (callback.shop !== shop) throw new AuthorizationRefused(`Shopify answered for another store than ${shop}`);
    const grant = await completeAuthorization(shopifyApp(t.config, t.sandboxUrl), emptyStats(), callback, {
      state: expected.state,
      shop,
    });
    return { externalAccountId: shop, displayName: shop, region: null, scopes: grant.scopes, tokens: grant };
  },
};

const flipkart: MarketplaceAuthorizer = {
  name: MARKETPLACE_NAMES.flipkart,
  available: (t) => Boolean(t.sandboxUrl || (t.config.flipkart.appId && t.config.flipkart.appSecret)),
  account: (asked) =>
    asked
      ? { ok: false, message: 'Flipkart needs nothing more: just `connect flipkart`, then sign in to Seller Hub.' }
      : { ok: true, account: null },
  consentUrl: (t, input) =>
    flipkartAuthorizeUrl(flipkartApp(t.config, t.sandboxUrl), { state: input.state, redirectUri: input.redirectUri }),
  check() {},
  async finish(t, callback, expected) {
    if (callback.error) throw new AuthorizationRefused('access was not allowed on Flipkart');
    if (!callback.code) throw new AuthorizationRefused('Flipkart sent no authorization code');
    const tokens = await new FlipkartOAuth(flipkartApp(t.config, t.sandboxUrl), emptyStats()).exchangeCode(
      callback.code,
      expected.redirectUri,
      expected.state,
    );
    // Flipkart's token answer does not name the seller: a renewal keeps its account, a new connection gets an id of its own
    const account = expected.renewing ?? `flipkart-${randomBytes(6).toString('hex')}`;
    return {
      externalAccountId: account,
      displayName: 'Flipkart seller account',
      region: null,
      scopes: [FLIPKART_SCOPE],
      tokens,
    };
  },
};

const amazon: MarketplaceAuthorizer = {
  name: MARKETPLACE_NAMES.amazon,
  available: (t) =>
    Boolean(t.sandboxUrl || (t.config.amazon.lwaClientId && t.config.amazon.lwaClientSecret && t.config.amazon.appId)),
  account(asked, sandbox) {
    if (!asked) {
      return sandbox
        ? { ok: true, account: null }
        : { ok: false, message: `Which Amazon marketplace? \`connect amazon <${AMAZON_CHOICES}>\`.` };
    }
    const id = amazonMarketplaceOf(asked);
    return id
      ? { ok: true, account: id }
      : { ok: false, message: `"${asked}" is not an Amazon marketplace I know: one of ${AMAZON_CHOICES}.` };
  },
  consentUrl(t, input) {
    const app = amazonApp(t.config, t.sandboxUrl);
    return consentUrl(app, {
      marketplaceId: input.account ?? 'ATVPDKIKX0DER',
      state: input.state,
      redirectUri: input.redirectUri,
    });
  },
  check() {},
  async finish(t, callback, expected) {
    if (callback.error) throw new AuthorizationRefused('access was not confirmed on Amazon');
    const partner = callback.selling_partner_id ?? '';
    if (!callback.spapi_oauth_code || !/^[A-Za-z0-9]{1,64}$/.test(partner)) {
      throw new AuthorizationRefused('Amazon sent no authorization code or selling partner');
    }
    if (expected.renewing && partner !== expected.renewing) {
      throw new AuthorizationRefused('you signed in to another Amazon seller account than the one to reconnect');
    }
    const tokens = await new AmazonOAuth(amazonApp(t.config, t.sandboxUrl), emptyStats()).exchangeCode(
      callback.spapi_oauth_code,
      expected.redirectUri,
    );
    // the sandbox's consent lets the tester pick any of its Amazon sellers: its list names their marketplace
    const region =
      expected.account ??
      (t.sandboxUrl
        ? ((await sandboxStores(t.sandboxUrl)).find((s) => s.marketplace === 'amazon' && s.accountId === partner)
            ?.amazonMarketplace?.id ?? null)
        : null);
    if (!region) throw new AuthorizationRefused('the Amazon marketplace of this seller account is not known');
    return { externalAccountId: partner, displayName: partner, region, scopes: [], tokens };
  },
};

export const AUTHORIZERS: Record<Marketplace, MarketplaceAuthorizer> = { shopify, flipkart, amazon };

/**
 * Shopify's OAuth authorization-code grant: `authorize` shows the install page (GET);
 * its form (POST) redirects to the app's redirect URI with `code, hmac, host, shop,
 * state, timestamp`, the query signed as Shopify signs it (HMAC-SHA256 of the sorted
 * `k=v&…` without hmac, hex, with the app secret). `access_token` exchanges the code
 * for an offline token, or an expiring one with a rotating refresh token when asked
 * with `expiring=1`. `api_permissions/current.json` (DELETE) uninstalls the app: every
 * token and code issued for the shop stops working.
 */
import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ConsentFlow } from '../http/consent-routes.ts';
import type { SandboxContext } from '../sandbox-context.ts';
import type { StoreDef } from '../world/stores.ts';

export const SHOPIFY_SCOPES = 'read_orders,read_all_orders,read_products,read_inventory';
const EXPIRING_TTL_S = 3600;

export function signShopifyQuery(params: Record<string, string>, secret: string): string {
  const message = Object.keys(params)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHmac('sha256', secret).update(message).digest('hex');
}

interface ShopifyConsent {
  store: StoreDef;
  redirect: URL;
}

/** What each scope lets the app read, as the install page words it. */
const SCOPE_TEXT: Record<string, string> = {
  read_orders: 'Orders from the last 60 days',
  read_all_orders: 'All orders, older ones too',
  read_products: 'Products',
  read_inventory: 'Inventory levels',
};

/** The install page of `/:shop/admin/oauth/authorize`; the router puts the shop's store on the request. */
export function shopifyConsent(ctx: SandboxContext): ConsentFlow<ShopifyConsent> {
  return {
    check(q, req, res) {
      const store = (req as Request & { store?: StoreDef }).store as StoreDef;
      const redirect = q.redirect_uri;
      if (q.client_id !== ctx.apps.shopify.clientId) {
        res.status(400).type('text/plain').send('Oauth error invalid_request: The client_id is not valid.');
        return undefined;
      }
      if (!redirect || !URL.canParse(redirect)) {
        res
          .status(400)
          .type('text/plain')
          .send('Oauth error invalid_request: The redirect_uri is missing or not whitelisted.');
        return undefined;
      }
      return { store, redirect: new URL(redirect) };
    },
    page: ({ store }, q) => ({
      marketplace: 'Shopify',
      title: `Install ShopIQ on ${store.accountId}?`,
      intro: `ShopIQ answers questions about ${store.sellerName}'s sales in Slack and WhatsApp.`,
      access: {
        heading: 'ShopIQ will be able to read:',
        items: [...new Set(scopesOf(q.scope))].map((scope) => SCOPE_TEXT[scope] ?? scope),
      },
      approveLabel: 'Install app',
      accent: { background: '#008060', text: '#ffffff' },
    }),
    approve({ store, redirect }, q) {
      const code = ctx.tokens.issueCode(
        { storeKey: store.key, scope: q.scope ?? SHOPIFY_SCOPES, redirectUri: redirect.toString() },
        600,
      );
      const params: Record<string, string> = {
        code,
        host: Buffer.from(`admin.shopify.com/store/${store.accountId.replace('.myshopify.com', '')}`).toString(
          'base64url',
        ),
        shop: store.accountId,
        state: q.state ?? '',
        timestamp: String(Math.floor(Date.now() / 1000)),
      };
      params.hmac = signShopifyQuery(params, ctx.apps.shopify.clientSecret);
      const target = new URL(redirect);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      return target;
    },
  };
}

function scopesOf(scope: string | undefined): string[] {
  return (scope ?? SHOPIFY_SCOPES)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function accessToken(ctx: SandboxContext, store: StoreDef, req: Request, res: Response): void {
  const body = { ...(req.query as Record<string, string>), ...((req.body ?? {}) as Record<string, string>) };
  const fail = (description: string) =>
    res.status(400).json({ error: 'invalid_request', error_description: description });
  if (body.client_id !== ctx.apps.shopify.clientId || body.client_secret !== ctx.apps.shopify.clientSecret) {
    return void fail('The client credentials are not valid.');
  }
  let scope: string;
  let expiring = String(body.expiring) === '1';
  if (body.grant_type === 'refresh_token') {
    const grant = body.refresh_token ? ctx.tokens.useRefresh(body.refresh_token, true) : undefined;
    if (!grant || grant.storeKey !== store.key) return void fail('The refresh token is not valid.');
    scope = grant.scope ?? SHOPIFY_SCOPES;
    expiring = true;
  } else {
    const grant = body.code ? ctx.tokens.redeemCode(body.code) : undefined;
    if (!grant || grant.storeKey !== store.key)
      return void fail('The authorization code was not found or was already used.');
    scope = grant.scope ?? SHOPIFY_SCOPES;
  }
  const ttl = ctx.faults.tokenTtlS('shopify') ?? (expiring ? EXPIRING_TTL_S : undefined);
  const access = ctx.tokens.issueAccess({ storeKey: store.key, scope }, 'shpat_', ttl);
  if (!expiring && ttl === undefined) return void res.json({ access_token: access.token, scope });
  res.json({
    access_token: access.token,
    scope,
    expires_in: ttl,
    ...(expiring
      ? {
          refresh_token: ctx.tokens.issueRefresh({ storeKey: store.key, scope }, 'shprt_'),
          refresh_token_expires_in: 7_776_000,
        }
      : {}),
  });
}

/** The app's access to the shop is revoked (the router checked the token belongs to this shop). */
export function revokeAccess(ctx: SandboxContext, store: StoreDef, res: Response): void {
  ctx.tokens.revokeStore(store.key);
  res.json({});
}

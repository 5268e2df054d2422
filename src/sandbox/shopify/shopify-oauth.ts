/**
 * Shopify's OAuth authorization-code grant, auto-approved: `authorize` redirects to the
 * app's redirect URI with `code, hmac, host, shop, state, timestamp`, the query signed
 * as Shopify signs it (HMAC-SHA256 of the sorted `k=v&…` without hmac, hex, with the
 * app secret). `access_token` exchanges the code for an offline token, or an expiring
 * one with a rotating refresh token when asked with `expiring=1`.
 */
import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
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

export function authorize(ctx: SandboxContext, store: StoreDef, req: Request, res: Response): void {
  const q = req.query as Record<string, string | undefined>;
  const redirect = q.redirect_uri;
  if (q.client_id !== ctx.apps.shopify.clientId) {
    res.status(400).type('text/plain').send('Oauth error invalid_request: The client_id is not valid.');
    return;
  }
  if (!redirect || !URL.canParse(redirect)) {
    res
      .status(400)
      .type('text/plain')
      .send('Oauth error invalid_request: The redirect_uri is missing or not whitelisted.');
    return;
  }
  const code = ctx.tokens.issueCode(
    { storeKey: store.key, scope: q.scope ?? SHOPIFY_SCOPES, redirectUri: redirect },
    600,
  );
  const params: Record<string, string> = {
    code,
    host: Buffer.from(`admin.shopify.com/store/${store.accountId.replace('.myshopify.com', '')}`).toString('base64url'),
    shop: store.accountId,
    state: q.state ?? '',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  params.hmac = signShopifyQuery(params, ctx.apps.shopify.clientSecret);
  const target = new URL(redirect);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  res.redirect(302, target.toString());
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

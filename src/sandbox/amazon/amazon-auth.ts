/**
 * Seller authorization (website flow) and Login with Amazon tokens.
 *   GET  /apps/authorize/consent?application_id&state[&version=beta]&redirect_uri[&seller]
 *        the consent page: the seller picks one of the sandbox's Amazon accounts
 *   POST /apps/authorize/consent   the page's form, the same parameters urlencoded
 *        → 302 to redirect_uri?state&selling_partner_id&spapi_oauth_code (code: 5 minutes, one use)
 *   POST /auth/o2/token  grant_type=authorization_code|refresh_token (form or JSON)
 * Real Amazon takes the redirect URI from the app registration; the sandbox takes
 * `redirect_uri` (required) from the query, and `seller` (store key or selling partner
 * id; default the first Amazon store) preselects the account on the page.
 */
import express, { type Response, Router } from 'express';
import { type ConsentFlow, consentRoutes } from '../http/consent-routes.ts';
import type { SandboxContext } from '../sandbox-context.ts';
import type { StoreDef } from '../world/stores.ts';

const ACCESS_TTL_S = 3600;

export function createAmazonAuthRouter(ctx: SandboxContext): Router {
  const router = Router();
  const app = ctx.apps.amazon;

  const consent = consentRoutes(amazonConsent(ctx));
  router.get('/apps/authorize/consent', consent.show);
  router.post('/apps/authorize/consent', ...consent.submit);

  router.post(
    '/auth/o2/token',
    ctx.faults.middleware('amazon', 'token', (status) => ({
      error: status === 429 ? 'slow_down' : 'server_error',
      error_description: status === 429 ? 'Too many requests' : 'Internal server error',
    })),
    express.urlencoded({ extended: false, limit: '20kb' }),
    express.json({ limit: '20kb' }),
    (req, res) => {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      const [basicId, basicSecret] = basicAuth(req.get('authorization'));
      const clientId = body.client_id ?? basicId;
      const clientSecret = body.client_secret ?? basicSecret;
      if (body.grant_type !== 'authorization_code' && body.grant_type !== 'refresh_token') {
        return void lwaError(
          res,
          400,
          'unsupported_grant_type',
          'The authorization grant type is not supported by the authorization server.',
        );
      }
      if (!clientId || !clientSecret)
        return void lwaError(res, 400, 'invalid_request', 'Missing client_id or client_secret');
      if (clientId !== app.clientId || clientSecret !== app.clientSecret) {
        return void lwaError(res, 401, 'invalid_client', 'Client authentication failed');
      }
      const ttl = ctx.faults.tokenTtlS('amazon') ?? ACCESS_TTL_S;
      if (body.grant_type === 'authorization_code') {
        if (!body.code) return void lwaError(res, 400, 'invalid_request', 'Missing code');
        const grant = ctx.tokens.redeemCode(body.code);
        if (!grant)
          return void lwaError(res, 400, 'invalid_grant', 'The request has an invalid grant parameter : code');
        if (grant.redirectUri !== body.redirect_uri) {
          return void lwaError(res, 400, 'invalid_grant', 'The request has an invalid grant parameter : redirect_uri');
        }
        const access = ctx.tokens.issueAccess({ storeKey: grant.storeKey }, 'Atza|', ttl);
        const refresh = ctx.tokens.issueRefresh({ storeKey: grant.storeKey }, 'Atzr|');
        return void res.json({
          access_token: access.token,
          refresh_token: refresh,
          token_type: 'bearer',
          expires_in: ttl,
        });
      }
      if (!body.refresh_token) return void lwaError(res, 400, 'invalid_request', 'Missing refresh_token');
      // LWA refresh tokens do not rotate: the same one comes back
      const grant = ctx.tokens.useRefresh(body.refresh_token, false);
      if (!grant)
        return void lwaError(res, 400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      const access = ctx.tokens.issueAccess({ storeKey: grant.storeKey }, 'Atza|', ttl);
      res.json({
        access_token: access.token,
        refresh_token: body.refresh_token,
        token_type: 'bearer',
        expires_in: ttl,
      });
    },
  );
  return router;
}

const MARKETPLACE_SITES = { US: 'amazon.com', IN: 'amazon.in', UK: 'amazon.co.uk' } as const;

/** The consent page: the seller picks which sandbox Amazon account authorizes the app. */
function amazonConsent(ctx: SandboxContext): ConsentFlow<{ store: StoreDef; redirect: URL }> {
  return {
    check(q, _req, res) {
      if (q.application_id !== ctx.apps.amazon.applicationId)
        return void res.status(400).type('text').send('Unknown application_id.');
      const store = pickSeller(ctx, q.seller);
      if (!store) return void res.status(400).type('text').send(`Unknown seller "${q.seller}".`);
      try {
        const redirect = new URL(String(q.redirect_uri));
        if (!/^https?:$/.test(redirect.protocol)) throw new Error('scheme');
        return { store, redirect };
      } catch {
        return void res
          .status(400)
          .type('text')
          .send('redirect_uri: an absolute http(s) URL is required (sandbox extension).');
      }
    },
    page: ({ store }) => ({
      marketplace: 'Amazon Seller Central',
      title: 'Authorize ShopIQ?',
      intro: 'ShopIQ will read your orders, reports, listings and inventory through the Selling Partner API.',
      seller: {
        label: 'Seller account',
        choices: ctx.world.stores
          .filter((s) => s.marketplace === 'amazon')
          .map((s) => ({
            value: s.accountId,
            // the id last: a phone-wide select cuts the end off
            label: `${s.sellerName} · ${s.amazonMarketplace ? MARKETPLACE_SITES[s.amazonMarketplace.code] : 'amazon'} · ${s.accountId}`,
            selected: s === store,
          })),
      },
      approveLabel: 'Confirm',
      accent: { background: '#ffd814', text: '#0f1111' },
    }),
    approve({ store, redirect }, q) {
      const target = new URL(redirect);
      const code = ctx.tokens.issueCode({ storeKey: store.key, redirectUri: target.toString() }, 300);
      if (q.state !== undefined) target.searchParams.set('state', q.state);
      target.searchParams.set('selling_partner_id', store.accountId);
      target.searchParams.set('spapi_oauth_code', code);
      return target;
    },
  };
}

function pickSeller(ctx: SandboxContext, seller: string | undefined): StoreDef | undefined {
  const amazon = ctx.world.stores.filter((s) => s.marketplace === 'amazon');
  if (seller === undefined || seller === '') return amazon[0];
  return amazon.find((s) => s.key === seller || s.accountId === seller);
}

function basicAuth(header: string | undefined): [string | undefined, string | undefined] {
  if (!header?.startsWith('Basic ')) return [undefined, undefined];
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? [undefined, undefined]
    : [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
}

function lwaError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

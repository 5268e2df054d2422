/**
 * Flipkart's OAuth service (Spring OAuth2 behind it; client authentication is HTTP Basic
 * appId:appSecret):
 *   GET /oauth-service/oauth/token?grant_type=client_credentials&scope=Seller_Api
 *       self-access: every sandbox store has its own app (flipkartSelfAccessCredentials)
 *   GET /oauth-service/oauth/authorize?client_id&redirect_uri&response_type=code&scope=Seller_Api&state[&seller]
 *       third-party app (ctx.apps.flipkart): a sign-in stand-in, the seller picks one of
 *       the sandbox's Flipkart accounts (`seller`, store key or Flipkart seller id, a
 *       sandbox extension, preselects one; default the first Flipkart store)
 *   POST /oauth-service/oauth/authorize   the page's form, the same parameters urlencoded
 *       → 302 to redirect_uri?code&state
 *   GET /oauth-service/oauth/token?grant_type=authorization_code&code&redirect_uri&state
 *   GET /oauth-service/oauth/token?grant_type=refresh_token&refresh_token   (does not rotate)
 * Access tokens live about 60 days, or `tokenTtl` seconds under that fault, and expire.
 */
import { type Response, Router } from 'express';
import { type ConsentFlow, consentRoutes } from '../http/consent-routes.ts';
import type { SandboxContext } from '../sandbox-context.ts';
import { hashKeys } from '../world/random.ts';
import type { StoreDef } from '../world/stores.ts';
import { stringParam } from './flipkart-http.ts';

const ACCESS_TTL_S = 60 * 86_400;
const SCOPE = 'Seller_Api';

/** The self-access app of one sandbox Flipkart store (the seller's own API credentials). */
export function flipkartSelfAccessCredentials(
  ctx: Pick<SandboxContext, 'world'>,
  storeKey: string,
): { appId: string; appSecret: string } {
  const store = ctx.world.store(storeKey);
  if (store?.marketplace !== 'flipkart') throw new RangeError(`no Flipkart store ${storeKey}`);
  let appSecret = '';
  for (let i = 0; i < 4; i++)
    appSecret += hashKeys(ctx.world.seed, storeKey, 'fk-app-secret', i).toString(16).padStart(8, '0');
  return { appId: `sandbox-fk-${storeKey}`, appSecret };
}

export function createFlipkartAuthRouter(ctx: SandboxContext): Router {
  const router = Router();
  const app = ctx.apps.flipkart;

  const consent = consentRoutes(flipkartConsent(ctx));
  router.get('/oauth-service/oauth/authorize', consent.show);
  router.post('/oauth-service/oauth/authorize', ...consent.submit);

  router.get(
    '/oauth-service/oauth/token',
    ctx.faults.middleware('flipkart', 'token', (status) => ({
      error: status === 429 ? 'too_many_requests' : 'server_error',
      error_description: status === 429 ? 'Too many requests' : 'Internal server error',
    })),
    (req, res) => {
      const q = (name: string) => stringParam(req.query[name]);
      const client = basicAuth(req.get('authorization'));
      if (!client)
        return void oauthError(res, 401, 'unauthorized', 'Full authentication is required to access this resource');
      const grantType = q('grant_type');
      const ttl = ctx.faults.tokenTtlS('flipkart') ?? ACCESS_TTL_S;
      const issue = (storeKey: string) => {
        const access = ctx.tokens.issueAccess({ storeKey, scope: SCOPE }, '', ttl);
        return { access_token: access.token, token_type: 'bearer', expires_in: ttl, scope: SCOPE };
      };

      if (grantType === 'client_credentials') {
        const store = ctx.world.stores.find((s) => s.marketplace === 'flipkart' && isSelfAccess(ctx, s, client));
        if (store) return void res.json(issue(store.key));
        if (client.id === app.appId && client.secret === app.appSecret) {
          return void oauthError(
            res,
            400,
            'unauthorized_client',
            'A third-party app uses grant_type=authorization_code',
          );
        }
        return void oauthError(res, 401, 'invalid_client', 'Bad client credentials');
      }
      if (client.id !== app.appId || client.secret !== app.appSecret) {
        return void oauthError(res, 401, 'invalid_client', 'Bad client credentials');
      }
      if (grantType === 'authorization_code') {
        const code = q('code');
        const grant = code ? ctx.tokens.redeemCode(code) : undefined;
        if (!grant) return void oauthError(res, 401, 'invalid_grant', `Invalid authorization code: ${code ?? ''}`);
        if (grant.redirectUri !== q('redirect_uri')) {
          return void oauthError(res, 401, 'invalid_grant', 'Redirect URI mismatch.');
        }
        const refresh = ctx.tokens.issueRefresh({ storeKey: grant.storeKey, scope: SCOPE }, '');
        return void res.json({ ...issue(grant.storeKey), refresh_token: refresh });
      }
      if (grantType === 'refresh_token') {
        const refresh = q('refresh_token');
        const grant = refresh ? ctx.tokens.useRefresh(refresh, false) : undefined;
        if (!grant || !refresh) return void oauthError(res, 401, 'invalid_grant', 'Invalid refresh token');
        return void res.json({ ...issue(grant.storeKey), refresh_token: refresh });
      }
      oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant type: ${grantType ?? ''}`);
    },
  );
  return router;
}

/** The sign-in stand-in: the seller picks which sandbox Flipkart account approves the app. */
function flipkartConsent(ctx: SandboxContext): ConsentFlow<{ store: StoreDef; redirect: URL }> {
  const app = ctx.apps.flipkart;
  return {
    check(params, _req, res) {
      const q = (name: string) => stringParam(params[name]);
      if (q('client_id') !== app.appId) return void oauthError(res, 400, 'invalid_client', 'Unknown client_id');
      if (q('response_type') !== 'code')
        return void oauthError(res, 400, 'unsupported_response_type', 'Unsupported response types: [code] only');
      const store = pickSeller(ctx, q('seller'));
      if (!store) return void oauthError(res, 400, 'invalid_request', `Unknown seller "${q('seller')}"`);
      try {
        const redirect = new URL(String(q('redirect_uri')));
        if (!/^https?:$/.test(redirect.protocol)) throw new Error('scheme');
        return { store, redirect };
      } catch {
        return void oauthError(res, 400, 'invalid_request', 'redirect_uri: an absolute http(s) URL is required');
      }
    },
    page: ({ store }) => ({
      marketplace: 'Flipkart Seller Hub',
      title: 'Allow ShopIQ to access your seller account?',
      intro: 'ShopIQ will read your orders, returns and listings through the Seller API (Seller_Api).',
      seller: {
        label: 'Signed in as',
        choices: ctx.world.stores
          .filter((s) => s.marketplace === 'flipkart')
          .map((s) => ({ value: s.accountId, label: `${s.sellerName} · ${s.accountId}`, selected: s === store })),
      },
      approveLabel: 'Allow access',
      accent: { background: '#2874f0', text: '#ffffff' },
    }),
    approve({ store, redirect }, params) {
      const target = new URL(redirect);
      const code = ctx.tokens.issueCode({ storeKey: store.key, scope: SCOPE, redirectUri: target.toString() }, 600);
      target.searchParams.set('code', code);
      const state = stringParam(params.state);
      if (state !== undefined) target.searchParams.set('state', state);
      return target;
    },
  };
}

function isSelfAccess(ctx: SandboxContext, store: StoreDef, client: { id: string; secret: string }): boolean {
  const own = flipkartSelfAccessCredentials(ctx, store.key);
  return own.appId === client.id && own.appSecret === client.secret;
}

function pickSeller(ctx: SandboxContext, seller: string | undefined): StoreDef | undefined {
  const flipkart = ctx.world.stores.filter((s) => s.marketplace === 'flipkart');
  if (seller === undefined) return flipkart[0];
  return flipkart.find((s) => s.key === seller || s.accountId === seller);
}

function basicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function oauthError(res: Response, status: number, error: string, description: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="oauth2/client"');
  res.status(status).json({ error, error_description: description });
}

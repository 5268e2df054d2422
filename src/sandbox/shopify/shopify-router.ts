/**
 * Shopify under /shopify/<shop domain>/…: OAuth (`admin/oauth/authorize`: the install
 * page and its form; `admin/oauth/access_token`), uninstalling the app
 * (`admin/api_permissions/current.json`, DELETE), the Admin GraphQL API at the pinned
 * version, and the bulk-operation result files under /shopify/_bulk/<id>.jsonl (as
 * Shopify's signed storage URLs, they need no token).
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { consentRoutes } from '../http/consent-routes.ts';
import type { SandboxContext } from '../sandbox-context.ts';
import type { StoreDef } from '../world/stores.ts';
import { BulkOperations, writeBulkJsonl } from './shopify-bulk.ts';
import { ShopData } from './shopify-data.ts';
import { runShopifyGraphql } from './shopify-graphql.ts';
import { accessToken, revokeAccess, shopifyConsent } from './shopify-oauth.ts';
import { SHOPIFY_SCHEMA_VERSION } from './shopify-schema.ts';

type ShopRequest = Request<{ shop: string; version?: string }> & { store?: StoreDef };

export function createShopifyRouter(ctx: SandboxContext): Router {
  const router = Router();
  const bulk = new BulkOperations();
  const faults = (route: string) =>
    ctx.faults.middleware('shopify', route, (status) => ({
      errors:
        status === 429
          ? 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.'
          : 'Internal Server Error',
    }));

  router.get('/_bulk/:id.jsonl', faults('bulk'), async (req, res) => {
    const op = bulk.get(`gid://shopify/BulkOperation/${req.params.id}`);
    const store = op && ctx.world.store(op.storeKey);
    if (!op || !store || op.status !== 'COMPLETED') return void res.status(404).type('text/plain').send('NoSuchKey');
    res.type('application/jsonl');
    await writeBulkJsonl(op, new ShopData(ctx, store), res);
    res.end();
  });

  const shopParam = (req: ShopRequest, res: Response, next: NextFunction) => {
    const store = ctx.world.storeByAccount('shopify', req.params.shop);
    if (!store) return void res.status(404).type('text/plain').send('There’s no store at this address.');
    req.store = store;
    next();
  };

  /** 401 unless X-Shopify-Access-Token is a live token of this shop. */
  const shopToken = (req: ShopRequest, res: Response, next: NextFunction) => {
    const grant = ctx.tokens.verify(req.header('x-shopify-access-token'));
    if (!grant || grant === 'expired' || grant.storeKey !== req.store?.key) {
      return void res
        .status(401)
        .json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    next();
  };

  const consent = consentRoutes(shopifyConsent(ctx));
  router.get('/:shop/admin/oauth/authorize', shopParam, consent.show);
  router.post('/:shop/admin/oauth/authorize', shopParam, ...consent.submit);
  router.post(
    '/:shop/admin/oauth/access_token',
    shopParam,
    faults('token'),
    express.json({ limit: '64kb' }),
    express.urlencoded({ extended: false, limit: '64kb' }),
    (req: ShopRequest, res) => accessToken(ctx, req.store as StoreDef, req, res),
  );

  router.delete('/:shop/admin/api_permissions/current.json', shopParam, shopToken, (req: ShopRequest, res) =>
    revokeAccess(ctx, req.store as StoreDef, res),
  );

  router.post(
    '/:shop/admin/api/:version/graphql.json',
    shopParam,
    (req: ShopRequest, res, next) => {
      if (req.params.version !== SHOPIFY_SCHEMA_VERSION) {
        return void res
          .status(404)
          .json({ errors: `The sandbox serves Admin API version ${SHOPIFY_SCHEMA_VERSION} only` });
      }
      next();
    },
    shopToken,
    faults('graphql'),
    express.json({ limit: '1mb' }),
    (req: ShopRequest, res) => {
      res.json(runShopifyGraphql(ctx, bulk, req.store as StoreDef, req.body ?? {}));
    },
  );

  router.use(((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' ? error.status : 500;
    res.status(status).json({
      errors:
        status === 400
          ? 'Bad Request: malformed JSON'
          : status === 413
            ? 'Request Entity Too Large'
            : 'Internal Server Error',
    });
  }) as express.ErrorRequestHandler);
  return router;
}

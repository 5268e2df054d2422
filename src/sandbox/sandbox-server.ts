/**
 * The sandbox marketplaces: one HTTP server speaking the parts of the Shopify Admin
 * GraphQL API, the Flipkart Seller API, Amazon SP-API and a daily FX API that ShopIQ's
 * clients use, over a deterministic world of sellers and orders. Each marketplace sits
 * under its own prefix, so a client only changes its base URL:
 *   /shopify/<shop domain>/admin/...   /flipkart/...   /amazon/...   /fx/...
 * and /_sandbox/... administers it (clock, mutations, faults, limits, truth).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createAdminRouter } from './admin/admin-router.ts';
import { createAmazonRouter } from './amazon/amazon-router.ts';
import { createFlipkartRouter } from './flipkart/flipkart-router.ts';
import { createFxRouter } from './fx/fx-router.ts';
import { FaultRegistry } from './http/faults.ts';
import { BucketSet } from './http/rate-limit.ts';
import { TokenStore } from './http/tokens.ts';
import { DEFAULT_APPS, type SandboxApps, type SandboxContext } from './sandbox-context.ts';
import { createShopifyRouter } from './shopify/shopify-router.ts';
import { SandboxWorld, type WorldOptions } from './world/world.ts';

export interface SandboxOptions extends WorldOptions {
  /** Fault spec (see faults.ts). */
  faults?: string;
  /** Published rate limits on (default) or off. */
  limits?: boolean;
  apps?: SandboxApps;
}

export interface Sandbox {
  context: SandboxContext;
  app: Express;
  /** Listens on loopback; resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const world = new SandboxWorld(options);
  let base = '';
  const context: SandboxContext = {
    world,
    faults: new FaultRegistry(world.seed, options.faults),
    tokens: new TokenStore(),
    limits: new BucketSet(options.limits ?? true),
    apps: options.apps ?? DEFAULT_APPS,
    baseUrl: () => base,
  };
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use('/shopify', createShopifyRouter(context));
  app.use('/flipkart', createFlipkartRouter(context));
  app.use('/amazon', createAmazonRouter(context));
  app.use('/fx', createFxRouter(context));
  app.use('/_sandbox', createAdminRouter(context));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (!res.headersSent) res.status(status).json({ error: status === 500 ? 'internal_error' : 'bad_request' });
  }) as express.ErrorRequestHandler);

  let server: http.Server | undefined;
  return {
    context,
    app,
    async listen(port = 0, host = '127.0.0.1') {
      server = http.createServer(app);
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, host, resolve);
      });
      const address = server.address() as AddressInfo;
      base = `http://${host}:${address.port}`;
      return base;
    },
    async close() {
      context.faults.releaseHanging();
      if (!server) return;
      const s = server;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}

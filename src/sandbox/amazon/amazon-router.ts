/**
 * Amazon under /amazon: a client uses `<sandbox>/amazon` in place of both
 * https://api.amazon.com (Login with Amazon) and the regional SP-API host.
 *   /apps/authorize/consent, /auth/o2/token             authorization (amazon-auth.ts)
 *   /orders/2026-01-01/…, /orders/v0/…                   Orders API (amazon-orders.ts)
 *   /reports/2021-06-30/…, /_documents/…                 Reports API (amazon-reports.ts)
 *   /listings/2021-08-01/…, /fba/inventory/v1/summaries  catalog (amazon-catalog.ts)
 * Fault routes: token, orders, reports, documents, listings, inventory.
 */
import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { createAmazonAuthRouter } from './amazon-auth.ts';
import { createAmazonInventoryRouter, createAmazonListingsRouter } from './amazon-catalog.ts';
import { faultBody, requestId, requireSeller } from './amazon-http.ts';
import { createAmazonOrdersRouter } from './amazon-orders.ts';
import { createAmazonReportsRouter } from './amazon-reports.ts';

export function createAmazonRouter(ctx: SandboxContext): Router {
  const router = Router();
  const faults = (route: string) => ctx.faults.middleware('amazon', route, faultBody);
  const seller = requireSeller(ctx);
  const reports = createAmazonReportsRouter(ctx);
  router.use(requestId);
  router.use(createAmazonAuthRouter(ctx));
  router.use('/_documents', reports.downloads);
  router.use('/orders', faults('orders'), seller, createAmazonOrdersRouter(ctx));
  router.use('/reports/2021-06-30/reports', faults('reports'));
  router.use('/reports/2021-06-30/documents', faults('documents'));
  router.use('/reports/2021-06-30', seller, reports.api);
  router.use('/listings/2021-08-01', faults('listings'), seller, createAmazonListingsRouter(ctx));
  router.use('/fba/inventory/v1', faults('inventory'), seller, createAmazonInventoryRouter(ctx));
  return router;
}

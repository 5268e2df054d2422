/**
 * Flipkart under /flipkart: a client uses `<sandbox>/flipkart` in place of
 * https://api.flipkart.net.
 *   /oauth-service/oauth/token, /oauth-service/oauth/authorize   OAuth (flipkart-auth.ts)
 *   /sellers/v3/shipments/filter, /sellers/v3/shipments          orders (flipkart-shipments.ts)
 *   /sellers/v2/returns, /sellers[/v2]/returns/search/<token>     returns (flipkart-returns.ts)
 *   /sellers/listings/v3/{skus}                                  listings (flipkart-listings.ts)
 * Fault routes: token, shipments, returns, listings. Every /sellers route wants a bearer
 * token (the token decides the seller) and passes a token bucket per route and seller.
 */
import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { createFlipkartAuthRouter } from './flipkart-auth.ts';
import {
  bodyErrors,
  FLIPKART_DEFAULT_LIMITS,
  type FlipkartLimits,
  faultBody,
  rateLimit,
  requireSeller,
} from './flipkart-http.ts';
import { createFlipkartListingsRouter } from './flipkart-listings.ts';
import { createFlipkartReturnsRouter } from './flipkart-returns.ts';
import { createFlipkartShipmentsRouter } from './flipkart-shipments.ts';

export { flipkartSelfAccessCredentials } from './flipkart-auth.ts';

export function createFlipkartRouter(ctx: SandboxContext, limits: FlipkartLimits = FLIPKART_DEFAULT_LIMITS): Router {
  const router = Router();
  const seller = requireSeller(ctx);
  const guard = (route: string) => [
    ctx.faults.middleware('flipkart', route, faultBody),
    seller,
    rateLimit(ctx, route, limits),
  ];
  const returns = createFlipkartReturnsRouter(ctx);
  router.use(createFlipkartAuthRouter(ctx));
  router.use('/sellers/v3/shipments', guard('shipments'), createFlipkartShipmentsRouter(ctx));
  router.use('/sellers/v2/returns/search', guard('returns'), returns.next);
  router.use('/sellers/returns/search', guard('returns'), returns.next);
  router.use('/sellers/v2/returns', guard('returns'), returns.first);
  router.use('/sellers/listings/v3', guard('listings'), createFlipkartListingsRouter(ctx));
  router.use(bodyErrors);
  return router;
}

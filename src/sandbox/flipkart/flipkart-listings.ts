/**
 * Listings v3 (paths under /sellers): GET /listings/v3/{sku,sku,…} (≤ 10 SKUs) →
 * {available:{<sku>:{listing_id, product_id, price{mrp, selling_price, currency},
 * listing_status, fulfillment_profile, locations[{id, status, inventory}]}}, unavailable:[…]}.
 * Snake case as Flipkart's own listings model has it. A SKU is matched exactly as the
 * seller's Flipkart listing spells it; prices are whole rupees, MRP above the selling price.
 */
import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { listPrice, type Product } from '../world/catalog.ts';
import { fkError, sellerOf } from './flipkart-http.ts';
import { fsnOf, listingIdOf, locationIdOf } from './flipkart-ids.ts';

const MAX_SKUS = 10;

export function createFlipkartListingsRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/:skuIds', (req, res) => {
    const store = sellerOf(res);
    const skus = [...new Set(String(req.params.skuIds).split(','))].filter((s) => s !== '');
    if (!skus.length || skus.length > MAX_SKUS) {
      return void fkError(res, 400, `Between 1 and ${MAX_SKUS} SKU ids are allowed.`, 'skuIds');
    }
    const bySku = new Map<string, Product>();
    for (const product of ctx.world.catalog(store.seller)) {
      const sku = product.listings.flipkart?.sku;
      if (sku) bySku.set(sku, product);
    }
    const available: Record<string, unknown> = {};
    const unavailable: string[] = [];
    for (const sku of skus) {
      const product = bySku.get(sku);
      const listing = product?.listings.flipkart;
      if (!product || !listing) {
        unavailable.push(sku);
        continue;
      }
      const selling = listPrice(listing.priceMinor, 'INR') / 100;
      available[sku] = {
        listing_id: listingIdOf(store, product),
        product_id: fsnOf(store, product),
        price: { mrp: Math.ceil((selling * 1.3) / 100) * 100 - 1, selling_price: selling, currency: 'INR' },
        listing_status: listing.active ? 'ACTIVE' : 'INACTIVE',
        fulfillment_profile: 'NON_FBF',
        locations: [{ id: locationIdOf(store), status: 'ENABLED', inventory: listing.inventory }],
      };
    }
    res.json({ available, unavailable });
  });
  return router;
}

/**
 * The seller's Amazon catalog: Listings Items 2021-08-01 and FBA inventory summaries.
 *   GET /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds[&includedData]
 *   GET /fba/inventory/v1/summaries?granularityType=Marketplace&granularityId&marketplaceIds[&sellerSkus][&details][&nextToken]
 * Built from the seller's catalog listings on Amazon; FBA summaries cover only the
 * SKUs Amazon fulfils. A listing without a SKU cannot be addressed, as on Amazon.
 */
import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { HISTORY_DAYS } from '../world/calendar.ts';
import { type Listing, listPrice, type Product } from '../world/catalog.ts';
import { hashKeys } from '../world/random.ts';
import type { StoreDef } from '../world/stores.ts';
import { badInput, listParam, rateLimit, sellerOf, spError, stringParam } from './amazon-http.ts';
import { asinOf, fnSkuOf, isFba } from './amazon-ids.ts';
import { iso, money } from './amazon-records.ts';

const DAY = 86_400_000;
const LISTING_DATA = [
  'summaries',
  'attributes',
  'issues',
  'offers',
  'fulfillmentAvailability',
  'procurement',
  'relationships',
  'productTypes',
];
const PRODUCT_TYPES: Record<string, string> = {
  Apparel: 'SHIRT',
  'Home & Kitchen': 'HOME',
  Accessories: 'HANDBAG',
  Grocery: 'GROCERY',
  Beauty: 'BEAUTY',
};
const INVENTORY_PAGE = 50;

type Listed = { product: Product; listing: Listing & { sku: string } };

export function createAmazonListingsRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/items/:sellerId/:sku', rateLimit(ctx, 'getListingsItem', 5, 10), (req, res) => {
    const store = sellerOf(res);
    if (req.params.sellerId !== store.accountId) {
      return void spError(
        res,
        403,
        'Unauthorized',
        'Access to requested resource is denied.',
        'The sellerId does not match the access token.',
      );
    }
    const marketplaceIds = listParam(req.query.marketplaceIds);
    if (!marketplaceIds.includes(store.amazonMarketplace?.id ?? ''))
      return void badInput(res, 'marketplaceIds must name the seller\u2019s marketplace.');
    const included = listParam(req.query.includedData);
    const unknown = included.find((d) => !LISTING_DATA.includes(d));
    if (unknown) return void badInput(res, `Unknown includedData ${unknown}.`);
    const data = new Set(included.length ? included : ['summaries']);
    const item = amazonListings(ctx, store).find((l) => l.listing.sku === req.params.sku);
    if (!item)
      return void spError(
        res,
        404,
        'NOT_FOUND',
        `SKU '${req.params.sku}' not found in marketplace ${store.amazonMarketplace?.id}`,
      );
    const { product, listing } = item;
    const fba = isFba(store, product);
    const marketplaceId = store.amazonMarketplace?.id;
    const created =
      ctx.world.startMs - HISTORY_DAYS * DAY - (hashKeys(store.key, product.baseSku, 'created') % 90) * DAY;
    const updated = ctx.world.startMs - (hashKeys(store.key, product.baseSku, 'updated') % 120) * DAY;
    res.json({
      sku: listing.sku,
      ...(data.has('summaries')
        ? {
            summaries: [
              {
                marketplaceId,
                asin: asinOf(store, product),
                productType: PRODUCT_TYPES[product.category] ?? 'PRODUCT',
                conditionType: 'new_new',
                status: listing.active ? ['BUYABLE', 'DISCOVERABLE'] : [],
                ...(fba ? { fnSku: fnSkuOf(store, product) } : {}),
                itemName: listing.title,
                createdDate: iso(created),
                lastUpdatedDate: iso(updated),
              },
            ],
          }
        : {}),
      ...(data.has('offers')
        ? {
            offers: [
              {
                marketplaceId,
                offerType: 'B2C',
                price: money(listPrice(listing.priceMinor, store.currency), store.currency),
              },
            ],
          }
        : {}),
      ...(data.has('fulfillmentAvailability')
        ? {
            fulfillmentAvailability: fba
              ? [{ fulfillmentChannelCode: `AMAZON_${(store.amazonMarketplace?.region ?? 'na').toUpperCase()}` }]
              : [{ fulfillmentChannelCode: 'DEFAULT', quantity: listing.inventory }],
          }
        : {}),
      ...(data.has('issues') ? { issues: [] } : {}),
    });
  });
  return router;
}

export function createAmazonInventoryRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/summaries', rateLimit(ctx, 'getInventorySummaries', 2, 2), (req, res) => {
    const store = sellerOf(res);
    const marketplaceId = store.amazonMarketplace?.id ?? '';
    const q = req.query;
    if (stringParam(q.granularityType) !== 'Marketplace')
      return void badInput(res, 'granularityType must be Marketplace.');
    if (stringParam(q.granularityId) !== marketplaceId)
      return void badInput(res, 'granularityId must be the seller\u2019s marketplace id.');
    const marketplaceIds = listParam(q.marketplaceIds);
    if (marketplaceIds.length !== 1 || marketplaceIds[0] !== marketplaceId)
      return void badInput(res, 'marketplaceIds must name the seller\u2019s one marketplace.');
    const skus = listParam(q.sellerSkus);
    if (skus.length > 50) return void badInput(res, 'sellerSkus takes at most 50 SKUs.');
    const single = stringParam(q.sellerSku);
    const wanted = skus.length ? new Set(skus) : single ? new Set([single]) : undefined;
    const token = stringParam(q.nextToken);
    const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) return void badInput(res, 'Invalid nextToken.');
    const details = stringParam(q.details) === 'true';
    const all = amazonListings(ctx, store).filter(
      (l) => isFba(store, l.product) && (!wanted || wanted.has(l.listing.sku)),
    );
    const page = all.slice(offset, offset + INVENTORY_PAGE);
    const next =
      offset + INVENTORY_PAGE < all.length
        ? Buffer.from(String(offset + INVENTORY_PAGE)).toString('base64url')
        : undefined;
    res.json({
      payload: {
        granularity: { granularityType: 'Marketplace', granularityId: marketplaceId },
        inventorySummaries: page.map(({ product, listing }) => ({
          asin: asinOf(store, product),
          fnSku: fnSkuOf(store, product),
          sellerSku: listing.sku,
          condition: 'NewItem',
          ...(details ? { inventoryDetails: inventoryDetails(listing.inventory) } : {}),
          lastUpdatedTime: iso(ctx.world.startMs),
          productName: listing.title,
          totalQuantity: listing.inventory,
          stores: [],
        })),
      },
      ...(next ? { pagination: { nextToken: next } } : {}),
    });
  });
  return router;
}

function amazonListings(ctx: SandboxContext, store: StoreDef): Listed[] {
  const out: Listed[] = [];
  for (const product of ctx.world.catalog(store.seller)) {
    const listing = product.listings.amazon;
    if (listing && listing.sku !== null) out.push({ product, listing: listing as Listing & { sku: string } });
  }
  return out;
}

function inventoryDetails(quantity: number) {
  return {
    fulfillableQuantity: quantity,
    inboundWorkingQuantity: 0,
    inboundShippedQuantity: 0,
    inboundReceivingQuantity: 0,
    reservedQuantity: {
      totalReservedQuantity: 0,
      pendingCustomerOrderQuantity: 0,
      pendingTransshipmentQuantity: 0,
      fcProcessingQuantity: 0,
    },
    unfulfillableQuantity: { totalUnfulfillableQuantity: 0 },
  };
}

/** Which SKUs a sync looks up: those its pages name or its orders know, once a run, unless fresh. */
import { describe, expect, it } from 'vitest';
import type { KnownSku } from '../../src/marketplaces/marketplace-client.ts';
import { PRODUCT_REFRESH_MS, ProductsBySku } from '../../src/marketplaces/products-by-sku.ts';
import type { OrderRow } from '../../src/sync/unified-rows.ts';

const NOW = Date.parse('2026-11-01T12:00:00Z');

const page = (...skus: string[]) => ({
  rows: [{ externalOrderId: 'O1', items: skus.map((sku) => ({ sku, title: `t ${sku}` })) } as unknown as OrderRow],
  quarantined: [],
  cursor: {},
});

describe('ProductsBySku', () => {
  it('looks up stale and unknown SKUs once a run, never fresh ones', async () => {
    const asked: string[][] = [];
    const products = new ProductsBySku(
      async (skus) => {
        asked.push(skus.map((s) => s.sku));
        return { rows: skus.map((s) => ({ externalId: s.sku }) as never), quarantined: [] };
      },
      { now: () => NOW },
    );
    const known: KnownSku[] = [
      { sku: 'FRESH', title: 'f', productSyncedAt: new Date(NOW - 60_000) },
      { sku: 'STALE', title: 's', productSyncedAt: new Date(NOW - PRODUCT_REFRESH_MS - 1) },
      { sku: 'NEVER', title: 'n', productSyncedAt: null },
      { sku: 'OTHER', title: 'o', productSyncedAt: null },
    ];
    const options = { knownSkus: async () => known };
    const first = await products.withProducts(page('FRESH', 'STALE', 'NEW'), options);
    expect(first.products?.map((p) => p.externalId)).toEqual(['STALE', 'NEW']);
    // the same SKUs again in the run: nothing to look up
    expect((await products.withProducts(page('STALE', 'NEW'), options)).products).toBeUndefined();
    const rest = [];
    for await (const p of products.rest(options)) rest.push(...p.rows.map((r) => r.externalId));
    expect(rest).toEqual(['NEVER', 'OTHER']);
    expect(asked).toEqual([
      ['STALE', 'NEW'],
      ['NEVER', 'OTHER'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { SandboxWorld } from '../../src/sandbox/world/world.ts';
import { normalizeSku } from '../../src/sync/normalize-sku.ts';

describe('SKU normalization', () => {
  it('makes the usual spellings of one SKU equal', () => {
    for (const spelling of [
      'KRT-BLU-M-014',
      'krt-blu-m-014',
      'KRT_BLU_M_014',
      '  KRT-BLU-M-014 ',
      'KRT BLU M 014',
      'ＫＲＴ-BLU-M-014',
      'KRT-\u200bBLU-M-014',
      'KRT--BLU-M-014',
    ]) {
      expect(normalizeSku(spelling)).toBe('KRT-BLU-M-014');
    }
  });

  it('keeps different SKUs apart and has no key for a missing one', () => {
    expect(normalizeSku('KRT-BLU-M-014')).not.toBe(normalizeSku('KRT-BLU-L-014'));
    expect(normalizeSku('KRT-BLU-M-14')).not.toBe(normalizeSku('KRT-BLU-M-014'));
    expect(normalizeSku(null)).toBeNull();
    expect(normalizeSku('  ')).toBeNull();
    expect(normalizeSku('\u200b')).toBeNull();
  });

  it('lines up every sandbox listing that has a SKU with its product', () => {
    const catalog = new SandboxWorld({ seed: 11, ordersPerStore: 10, startMs: Date.UTC(2026, 10, 1) }).catalog(1);
    let listings = 0;
    for (const product of catalog) {
      for (const listing of Object.values(product.listings)) {
        if (!listing?.sku) continue;
        listings++;
        expect(normalizeSku(listing.sku)).toBe(product.baseSku);
      }
    }
    expect(listings).toBeGreaterThan(100);
  });
});

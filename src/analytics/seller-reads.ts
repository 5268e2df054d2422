/**
 * How everything that answers a seller reads their data: the derived rollup is brought
 * up to date first (a write, as the service), then `work` reads as the read-only
 * reader bound to that seller (src/db/seller-reader.ts), so its queries see that
 * seller's rows only, whatever they say.
 */
import type pg from 'pg';
import { readAsSeller, type SellerDb } from '../db/seller-reader.ts';
import { refreshSalesRollup } from './sales-rollup.ts';
import type { SellerScope } from './seller-scope.ts';

export async function readSellerData<T>(
  pool: pg.Pool,
  scope: SellerScope,
  work: (db: SellerDb) => Promise<T>,
): Promise<T> {
  await refreshSalesRollup(pool, scope);
  return readAsSeller(pool, scope.userId, work);
}

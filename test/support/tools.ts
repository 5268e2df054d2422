/**
 * The analytics tools bound as a request binds them: for `scope`, asked at `now`, each
 * connection's freshness read from the database (stale after 6 hours), logs silent.
 */
import type pg from 'pg';
import { connectionFreshness } from '../../src/analytics/freshness.ts';
import type { SellerScope } from '../../src/analytics/seller-scope.ts';
import { type BoundTool, bindTools } from '../../src/conversation/tools/index.ts';
import { createLogger } from '../../src/logging/logger.ts';

export function toolsFor(pool: pg.Pool, scope: SellerScope, now: Date): BoundTool[] {
  return bindTools(
    { pool, scope, now, freshness: () => connectionFreshness(pool, scope, now, 6 * 3_600_000) },
    createLogger({ logLevel: 'silent' }),
  );
}

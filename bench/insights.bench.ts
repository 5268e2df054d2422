/**
 * insights: how well the detectors find what is planted, and how often they speak when
 * nothing is. Two sandboxes (each in its own process) with the same sellers and 18
 * months of history: one with sales drops planted on `--drops` random days of each
 * store's last year (half empty days, half at 20% of the usual), one with nothing
 * planted. Each seller is synced whole, then the history is replayed: for every day of
 * the last `--days` days, the detector runs as it would the morning after (09:00 in the
 * seller's zone), on what a sync that morning would have left.
 *
 * Reported, for `sales_drop` (the detector whose findings can be replayed: stock, a
 * failing connection and an order's size depend on the moment of the sync, not on
 * history): recall (planted drops found the morning after their day), precision, and
 * false alerts per seller per 30 days on the history with nothing planted.
 *
 * Options: --sellers (default 3), --orders per store (default 20000), --days (default
 * 365), --drops per store (default 6), --seed (default 42).
 */

import { readSellerData } from '../src/analytics/seller-reads.ts';
import { loadSellerScope } from '../src/analytics/seller-scope.ts';
import { connectSandboxSeller } from '../src/connections/sandbox-connect.ts';
import { MARKETPLACES } from '../src/db/enums.ts';
import { detectorOf } from '../src/insights/detectors.ts';
import { Random } from '../src/sandbox/world/random.ts';
import { syncSellers } from '../src/sync/sync-manager.ts';
import { addDays } from '../src/time/local-time.ts';
import type { Bench } from './run.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';
import { round } from './support/stats.ts';
import { openBenchDatabase } from './support/sync-setup.ts';

const START = '2026-11-01';

interface Plant {
  seller: number;
  marketplace: string;
  day: string;
}

const bench: Bench = async (options) => {
  const sellers = Number(options.sellers ?? 3);
  const orders = Number(options.orders ?? 20_000);
  const days = Number(options.days ?? 365);
  const drops = Number(options.drops ?? 6);
  const seed = Number(options.seed ?? 42);

  // the plants: `drops` days of each store's last year, none in the first 9 weeks of it (the baseline needs them)
  const r = new Random(seed, 'insights-plants');
  const plants: Plant[] = [];
  for (let seller = 1; seller <= sellers; seller++) {
    for (const marketplace of MARKETPLACES) {
      const taken = new Set<string>();
      while (taken.size < drops) taken.add(addDays(START, -1 - r.int(0, days - 70)));
      for (const day of taken) plants.push({ seller, marketplace, day });
    }
  }
  const spec = plants
    .map((p, i) => `sales_drop:s${p.seller}-${p.marketplace}:${p.day}:${i % 2 === 0 ? 0 : 0.2}`)
    .join(';');

  const run = async (anomalies: string | undefined) => {
    const sandbox = await startSandboxProcess([
      '--sellers',
      String(sellers),
      '--orders',
      String(orders),
      '--seed',
      String(seed),
      '--start',
      START,
      '--no-limits',
      ...(anomalies ? ['--anomalies', anomalies] : []),
    ]);
    const db = await openBenchDatabase();
    const { pool, vault, config, log } = db;
    try {
      const fast = { ...config, flipkart: { ...config.flipkart, maxRequestsPerS: 1000 } };
      const found: (Plant & { evaluated: string })[] = [];
      let evaluations = 0;
      let detectorMs = 0;
      for (let seller = 1; seller <= sellers; seller++) {
        const { userId } = await connectSandboxSeller(
          { pool, vault, config },
          { sandboxUrl: sandbox.base, seller: String(seller) },
        );
        process.stderr.write(`\rseller ${seller}: syncing`);
        await syncSellers({ pool, vault, config: fast, log }, { userIds: [userId], trigger: 'manual' });
        const scope = await loadSellerScope(pool, userId);
        if (!scope) throw new Error('no seller');
        const detector = detectorOf('sales_drop');
        for (let d = days; d >= 1; d--) {
          const day = addDays(START, -d);
          // the morning after `day`, in the seller's zone (09:00 UTC here: sandbox sellers are in UTC)
          const now = new Date(`${addDays(day, 1)}T09:00:00Z`);
          const t = performance.now();
          const findings = await readSellerData(pool, scope, (sdb) =>
            detector.find({ db: sdb, pool, scope, now, since: now, staleAfterMs: 365 * 86_400_000 }),
          );
          detectorMs += performance.now() - t;
          evaluations++;
          for (const f of findings)
            found.push({ seller, marketplace: f.marketplace as string, day: String(f.facts.day), evaluated: day });
          if (d % 30 === 0) process.stderr.write(`\rseller ${seller}: ${days - d} / ${days} days replayed   `);
        }
      }
      process.stderr.write('\n');
      return { found, evaluations, detectorMs };
    } finally {
      await db.stop();
      await sandbox.stop();
    }
  };

  process.stderr.write(`planted: ${plants.length} sales drops over ${sellers} sellers × 3 stores\n`);
  const planted = await run(spec);
  const key = (p: Plant) => `${p.seller}:${p.marketplace}:${p.day}`;
  const plantedKeys = new Set(plants.filter((p) => p.day >= addDays(START, -days)).map(key));
  const hits = new Set(planted.found.map(key).filter((k) => plantedKeys.has(k)));
  const falseInPlanted = planted.found.filter((f) => !plantedKeys.has(key(f))).length;
  process.stderr.write('nothing planted:\n');
  const clean = await run(undefined);
  // where the clean history's alerts fall, by month and marketplace
  const byMonth = new Map<string, number>();
  for (const f of clean.found)
    byMonth.set(
      `${f.day.slice(0, 7)} ${f.marketplace}`,
      (byMonth.get(`${f.day.slice(0, 7)} ${f.marketplace}`) ?? 0) + 1,
    );
  process.stderr.write(
    `false alerts on the clean history: ${JSON.stringify(Object.fromEntries([...byMonth].sort()))}\n`,
  );
  const monthsPerSeller = (days / 30) * sellers;
  return {
    params: { sellers, orders_per_store: orders, days, drops_per_store: drops, seed, detector: 'sales_drop' },
    metrics: {
      planted: plantedKeys.size,
      found: hits.size,
      recall: round(hits.size / plantedKeys.size, 3),
      precision: round(hits.size / Math.max(1, hits.size + falseInPlanted), 3),
      false_alerts_planted_history: falseInPlanted,
      false_alerts_clean_history: clean.found.length,
      false_alerts_per_seller_per_30_days: round(clean.found.length / monthsPerSeller, 3),
      detector_ms_per_run: round(
        (planted.detectorMs + clean.detectorMs) / (planted.evaluations + clean.evaluations),
        1,
      ),
    },
  };
};

export default bench;

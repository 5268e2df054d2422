import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { salesReport } from '../../src/analytics/sales.ts';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import { formatCount, formatMoney } from '../../src/conversation/format/money-format.ts';
import { runCli } from '../support/cli.ts';
import { startSandbox } from '../support/sandbox.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

describe('shopiq chat', () => {
  const harness = useSyncHarness();

  it('answers questions piped in, one a line, with the analytics layer’s figures and the tables', async () => {
    const h = await harness();
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    const { sandbox, base } = await startSandbox({ sellers: 1, ordersPerStore: 200, startMs: today.getTime() });
    try {
      const userId = await h.connect(base, '1');
      const synced = await h.sync(userId);
      expect(synced.connections.every((c) => c.status === 'succeeded')).toBe(true);
      const home = mkdtempSync(path.join(os.tmpdir(), 'shopiq-chat-'));
      const result = await runCli(
        ['chat'],
        {
          DATABASE_URL: h.db.url,
          ENCRYPTION_KEYS: TEST_KEY,
          SHOPIQ_HOME: home,
          LOG_LEVEL: 'warn',
        },
        undefined,
        'What were my total sales last month?\n\nShow me my return rate by marketplace\nwrite me a poem\n',
      );
      expect(result.code).toBe(0);
      const scope = (await loadSellerScope(h.pool, userId)) as SellerScope;
      const period = resolvePeriod({ kind: 'named', name: 'last_month' }, new Date(), scope.timezone);
      const report = await salesReport(h.pool, scope, period, { by: 'marketplace' });
      expect(report.total.orders).toBeGreaterThan(0);
      expect(result.stdout).toContain(
        `Sales ${period.label}: ${formatMoney(report.total.revenue, scope.currency)} from ${formatCount(report.total.orders, scope.currency)} orders`,
      );
      expect(result.stdout).toMatch(/Sales by marketplace, last month .*\nmarketplace +orders +revenue/);
      expect(result.stdout).toMatch(/Return rate the last 30 days \(.*\): \d+\.\d% overall/);
      expect(result.stdout).toMatch(/I did not understand that one/);
      expect(result.stdout).toMatch(/Limited mode/);
      // the revenue by marketplace is drawn too, to a file whose path is printed
      const chart = new RegExp(`Chart: (${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/charts/\\S+\\.png)`).exec(
        result.stdout,
      )?.[1];
      expect(chart).toBeDefined();
      expect(
        readFileSync(chart as string)
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
      const { rows } = await h.pool.query(`select count(*)::int as n from chat_message where user_id = $1`, [userId]);
      expect(rows[0].n).toBe(6);
    } finally {
      await sandbox.close();
    }
  }, 180_000);
});

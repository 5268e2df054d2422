import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { loadSellerScope, type SellerScope } from '../../src/analytics/seller-scope.ts';
import { formatCount, formatMoney } from '../../src/conversation/format/money-format.ts';
import { addDecimal } from '../../src/currency/decimal.ts';
import type { TruthRow } from '../../src/sandbox/truth/truth.ts';
import { runCli } from '../support/cli.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { TEST_KEY } from '../support/test-config.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('shopiq chat', () => {
  const harness = useSyncHarness();

  it('answers questions piped in, one a line, with the sandbox truth’s figures and the tables', async () => {
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
      // the expected figures come from the sandbox's ground truth, not from ShopIQ's analytics
      const scope = (await loadSellerScope(h.pool, userId)) as SellerScope;
      expect([scope.currency, scope.timezone]).toEqual(['USD', 'UTC']);
      const period = resolvePeriod({ kind: 'named', name: 'last_month' }, new Date(), scope.timezone);
      const truth = await json(fetch(`${base}/_sandbox/truth`));
      const month = (truth.orders as TruthRow[]).filter((r) => r.seller === 1 && r.month === period.start.slice(0, 7));
      const of = (m: string) => month.filter((r) => r.marketplace === m);
      const orders = (rows: TruthRow[]) => rows.reduce((n, r) => n + r.orders, 0);
      const sales = (rows: TruthRow[]) =>
        rows.filter((r) => !r.cancelled).reduce((sum, r) => addDecimal(sum, r.netSales), '0');
      expect(orders(month)).toBeGreaterThan(0);
      // Shopify and Amazon sell in dollars, Flipkart in rupees (converted at the day's rate, shown beside)
      expect([...new Set(month.map((r) => `${r.marketplace} ${r.currency}`))].sort()).toEqual([
        'amazon USD',
        'flipkart INR',
        'shopify USD',
      ]);
      const usd = (amount: string) => formatMoney(amount, 'USD');
      const part = (m: string, name: string) =>
        `${name}: ${usd(sales(of(m)))}, ${formatCount(orders(of(m)), 'USD')} orders`;
      expect(result.stdout).toContain(part('amazon', 'Amazon'));
      expect(result.stdout).toContain(part('shopify', 'Shopify'));
      const flipkart = new RegExp(
        `Flipkart: ${escapeRegExp(formatMoney(sales(of('flipkart')), 'INR'))} \\(\\$([\\d,]+\\.\\d\\d)\\), ${formatCount(orders(of('flipkart')), 'USD')} orders`,
      ).exec(result.stdout);
      expect(flipkart).not.toBeNull();
      const total = addDecimal(
        addDecimal(sales(of('amazon')), sales(of('shopify'))),
        (flipkart?.[1] ?? '').replaceAll(',', ''),
      );
      expect(result.stdout).toContain(
        `Sales ${period.label}: ${usd(total)} from ${formatCount(orders(month), 'USD')} orders`,
      );
      expect(result.stdout).toMatch(/Sales by marketplace, last month .*\nmarketplace +orders +revenue/);
      expect(result.stdout).toMatch(/Return rate the last 30 days \(.*\): \d+\.\d% overall/);
      expect(result.stdout).toMatch(/I did not understand that one/);
      expect(result.stdout).toMatch(/Limited mode/);
      // the revenue by marketplace is drawn too, to a file whose path is printed
      const chart = new RegExp(`Chart: (${escapeRegExp(home)}/charts/\\S+\\.png)`).exec(result.stdout)?.[1];
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

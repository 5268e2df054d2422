import { describe, expect, it } from 'vitest';
import {
  addOrdersInPeriod,
  inReportingCurrency,
  missingRate,
  ordersInPeriod,
  reportingRateJoin,
} from '../../src/analytics/money-sql.ts';
import { resolvePeriod } from '../../src/analytics/period.ts';
import { SqlParams } from '../../src/analytics/sql-params.ts';

const period = resolvePeriod({ kind: 'named', name: 'last_month' }, new Date('2026-11-05T06:00:00Z'), 'Asia/Kolkata');

/** The value each `$n` captured by `pattern` stands for, in the order found. */
function valuesRead(sql: string, pattern: RegExp, values: unknown[]): unknown[] {
  return [...sql.matchAll(pattern)].map((m) => values[Number(m[1]) - 1]);
}

describe('SQL fragments read the values they are handed, wherever the caller put them', () => {
  it('numbers values in the order they are added', () => {
    const q = new SqlParams();
    expect([q.add('a'), q.add(null), q.add(['x'])]).toEqual(['$1', '$2', '$3']);
    expect(q.values).toEqual(['a', null, ['x']]);
  });

  it('keeps the seller, the period and the marketplaces of the orders fragment in their places, added first or last', () => {
    for (const currencyFirst of [true, false]) {
      const q = new SqlParams();
      const before = currencyFirst ? q.add('INR') : undefined;
      const orders = addOrdersInPeriod(q, 'seller-a', period, ['amazon']);
      const currency = before ?? q.add('INR');
      const sql = `${ordersInPeriod(orders)} ${inReportingCurrency('p.sales', 'p.sales_usd', currency)} ${missingRate(currency)} ${reportingRateJoin(currency)}`;
      expect(valuesRead(sql, /o\.user_id = \$(\d+)/g, q.values)).toEqual(['seller-a']);
      expect(valuesRead(sql, /\(\$(\d+)::date::timestamp at time zone/g, q.values)).toEqual([
        '2026-10-01',
        '2026-11-01',
      ]);
      expect(valuesRead(sql, /at time zone \$(\d+)\)/g, q.values)).toEqual(['Asia/Kolkata', 'Asia/Kolkata']);
      expect(valuesRead(sql, /o\.marketplace = any\(\$(\d+)\)/g, q.values)).toEqual([['amazon']]);
      expect(valuesRead(sql, /p\.currency = \$(\d+)/g, q.values)).toEqual(['INR']);
      expect(valuesRead(sql, /f\.quote = \$(\d+)/g, q.values)).toEqual(['INR']);
    }
  });

  it('reads all marketplaces as null, not as an empty list', () => {
    const q = new SqlParams();
    const orders = addOrdersInPeriod(q, 'seller-a', period, []);
    expect(q.values[Number(orders.marketplaces.slice(1)) - 1]).toBeNull();
  });
});

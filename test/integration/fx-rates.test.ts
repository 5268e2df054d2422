import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FxClient } from '../../src/currency/fx-client.ts';
import { ensureUsdRates, usdRateOn } from '../../src/currency/fx-rates.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('FX history from a reference-rate API', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let sandbox: Sandbox;
  let base: string;
  let client: FxClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    ({ sandbox, base } = await startSandbox());
    client = new FxClient(`${base}/fx`);
  });
  afterAll(async () => {
    await pool?.end();
    await sandbox?.close();
    await db?.drop();
  });

  it('fetches the missing history once, and reports currencies the provider does not know', async () => {
    const range = { from: '2026-10-01', to: '2026-10-31', currencies: ['INR', 'EUR', 'USD', 'GBP', 'XTS', 'INR'] };
    expect(await ensureUsdRates(pool, client, range)).toEqual({ fetched: ['EUR', 'GBP', 'INR'], unknown: ['XTS'] });
    const { rows } = await pool.query(`select count(distinct rate_date)::int as days from fx_rate where quote = 'INR'`);
    expect(rows[0].days).toBe(25); // the business days of 26 Sep – 31 Oct 2026
    expect(await ensureUsdRates(pool, client, range)).toEqual({ fetched: [], unknown: ['XTS'] });
    expect((await ensureUsdRates(pool, client, { ...range, to: '2026-10-31', from: '2026-08-01' })).fetched).toEqual([
      'EUR',
      'GBP',
      'INR',
    ]);
  });

  it('gives the rate as published, and on a weekend the Friday before it', async () => {
    const friday = await json(fetch(`${base}/fx/v1/2026-10-02?base=USD&symbols=INR`));
    expect(Number(await usdRateOn(pool, 'INR', '2026-10-02'))).toBe(friday.rates.INR);
    expect(await usdRateOn(pool, 'INR', '2026-10-03')).toBe(await usdRateOn(pool, 'INR', '2026-10-02'));
    expect(await usdRateOn(pool, 'INR', '2026-10-05')).not.toBe(await usdRateOn(pool, 'INR', '2026-10-02'));
    expect(await usdRateOn(pool, 'USD', '2026-10-03')).toBe('1');
    expect(await usdRateOn(pool, 'INR', '2025-01-01')).toBeUndefined();
  });

  it('refuses a provider answer of the wrong shape', async () => {
    const broken = new FxClient(`${base}/_sandbox`); // answers, but not with rates
    await expect(broken.usdRange('2026-10-01', '2026-10-02', ['INR'])).rejects.toThrow();
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divideRounded } from '../../src/currency/decimal.ts';
import { FxClient } from '../../src/currency/fx-client.ts';
import { ensureUsdRates } from '../../src/currency/fx-rates.ts';
import { type Convertible, UsdRatesForSync } from '../../src/currency/usd-rates-for-sync.ts';
import { closePool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/logging/logger.ts';
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
    await (pool && closePool(pool));
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

  const order = (currency: string, totalAmount: string, day: string): Convertible => ({
    currency,
    totalAmount,
    netSales: totalAmount,
    orderedAt: new Date(`${day}T15:00:00Z`),
    totalAmountUSD: null,
    netSalesUSD: null,
    fxFlag: null,
  });
  const silent = createLogger({ logLevel: 'silent' });

  it('converts at the rate of the order date, a weekend at the Friday before, exactly', async () => {
    const usd = new UsdRatesForSync(pool, client, silent);
    const friday = await json(fetch(`${base}/fx/v1/2026-10-02?base=USD&symbols=INR,JPY,KWD`));
    const monday = await json(fetch(`${base}/fx/v1/2026-10-05?base=USD&symbols=INR`));
    const orders = [
      order('INR', '1234.5600', '2026-10-02'),
      order('INR', '1234.5600', '2026-10-04'), // Sunday
      order('INR', '1234.5600', '2026-10-05'),
      order('JPY', '1500', '2026-10-02'), // no minor unit
      order('KWD', '12.345', '2026-10-02'), // three decimals
      order('INR', '99999999999.9900', '2026-10-02'), // huge
      order('USD', '10.5', '2026-10-02'),
      order('XTS', '10.00', '2026-10-02'), // unknown to the provider
    ];
    await usd.convert(orders);
    const at = (amount: string, rate: number) => divideRounded(amount, String(rate));
    expect(orders.map((o) => [o.totalAmountUSD, o.fxFlag])).toEqual([
      [at('1234.5600', friday.rates.INR), null],
      [at('1234.5600', friday.rates.INR), null],
      [at('1234.5600', monday.rates.INR), null],
      [at('1500', friday.rates.JPY), null],
      [at('12.345', friday.rates.KWD), null],
      [at('99999999999.9900', friday.rates.INR), null],
      ['10.5', null],
      [null, 'UNKNOWN_CURRENCY'],
    ]);
    expect(orders[0]?.totalAmountUSD).not.toBe(orders[2]?.totalAmountUSD);
  });

  it('leaves amounts unconverted and flagged when the provider is down, and repairs them later', async () => {
    const down = new UsdRatesForSync(pool, new FxClient('http://127.0.0.1:9'), silent);
    const early = [order('GBP', '50.00', '2025-03-03')]; // a span nobody fetched yet
    await down.convert(early);
    expect(early[0]).toMatchObject({ totalAmountUSD: null, fxFlag: 'RATE_MISSING' });
    const { rows } = await pool.query<{ u: string; c: string }>(
      `with u as (insert into "user" (id) values (gen_random_uuid()) returning id)
       insert into marketplace_connection (id, user_id, marketplace, external_account_id, status)
       select gen_random_uuid(), id, 'shopify', 'fx-shop', 'CONNECTED' from u returning user_id as u, id as c`,
    );
    const { u, c } = rows[0] as { u: string; c: string };
    await pool.query(
      `insert into unified_order (user_id, connection_id, marketplace, external_order_id, status, source_status, currency,
         total_amount, fx_flag, ordered_at, source_updated_at, synced_at)
       values ($1, $2, 'shopify', '1', 'CONFIRMED', 'PAID/UNFULFILLED', 'GBP', 50, 'RATE_MISSING', $3, now(), now())`,
      [u, c, early[0]?.orderedAt],
    );
    expect(await new UsdRatesForSync(pool, client, silent).repair(c)).toBe(1);
    const rate = await json(fetch(`${base}/fx/v1/2025-03-03?base=USD&symbols=GBP`));
    const stored = await pool.query(
      'select total_amount_usd::text as usd, fx_flag from unified_order where connection_id = $1',
      [c],
    );
    expect(stored.rows[0]).toEqual({ usd: divideRounded('50.00', String(rate.rates.GBP)), fx_flag: null });
  });

  it('divides decimals exactly, rounding half away from zero', () => {
    expect(divideRounded('10', '3')).toBe('3.3333');
    expect(divideRounded('2', '3')).toBe('0.6667');
    expect(divideRounded('-2', '3')).toBe('-0.6667');
    expect(divideRounded('0.00005', '1')).toBe('0.0001');
    expect(divideRounded('1500', '151.4', 2)).toBe('9.91');
    expect(divideRounded('123456789012345678.9', '0.0001', 0)).toBe('1234567890123456789000');
    expect(() => divideRounded('1', '0')).toThrow(RangeError);
  });

  it('refuses a provider answer of the wrong shape', async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ amount: 1, base: 'USD', rates: 'soon' })); // answers, but not with rates
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const broken = new FxClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await expect(broken.usdRange('2026-10-01', '2026-10-02', ['INR'])).rejects.toThrow();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('finds no rates, rather than failing, for days not published yet', async () => {
    expect(await client.usdRange('2099-01-01', '2099-01-31', ['INR'])).toEqual(new Map());
  });
});

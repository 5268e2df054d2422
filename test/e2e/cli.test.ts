import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/db/orm.ts';
import { CLI, cliEnv, runCli, spawnStart, startService } from '../support/cli.ts';
import { query } from '../support/pg-admin.ts';
import { createTestDatabase } from '../support/test-database.ts';

/** The committed migrations: what a fresh database gets. */
const MIGRATIONS = readdirSync(MIGRATIONS_DIR).filter((f) => /^Migration\d+.*\.ts$/.test(f));

const homes: string[] = [];
const tempHome = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shopiq-cli-'));
  homes.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

function expectOneCleanLine(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^shopiq: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('shopiq command: configuration errors', () => {
  it('a bad DATABASE_URL gives one clear line and exit code 1', async () => {
    const result = await runCli(['start'], { SHOPIQ_HOME: tempHome(), DATABASE_URL: 'mysql://root:pw-secret@db/shop' });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr);
    expect(result.stderr).toContain('DATABASE_URL: expected postgres://');
    expect(result.stderr).not.toContain('pw-secret');
  });

  it('an unreachable DATABASE_URL says so, with the password masked', async () => {
    const result = await runCli(['start'], {
      SHOPIQ_HOME: tempHome(),
      DATABASE_URL: 'postgres://shopiq:pw-secret@127.0.0.1:1/shopiq',
    });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr);
    expect(result.stderr).toContain('DATABASE_URL: cannot connect to postgres://shopiq:***@127.0.0.1:1/shopiq');
    expect(result.stderr).not.toContain('pw-secret');
  });

  it('NODE_ENV=production without DATABASE_URL refuses to start with one clear line', async () => {
    const home = tempHome();
    const result = await runCli(['start'], {
      SHOPIQ_HOME: home,
      NODE_ENV: 'production',
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr);
    expect(result.stderr).toContain('NODE_ENV=production needs DATABASE_URL');
    // no embedded PostgreSQL was set up inside the container meanwhile
    expect(readdirSync(home)).not.toContain('postgres');
  });

  it('a bad ENCRYPTION_KEYS gives one clear line and exit code 1', async () => {
    const result = await runCli(['status'], { SHOPIQ_HOME: tempHome(), ENCRYPTION_KEYS: 'k1:tooshort' });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr);
    expect(result.stderr).toContain('ENCRYPTION_KEYS: key "k1" must be base64 of exactly 32 bytes');
  });

  it('an embedded database that cannot start is explained in one line, without hanging', async () => {
    const home = tempHome();
    mkdirSync(path.join(home, 'postgres', 'data'), { recursive: true });
    writeFileSync(path.join(home, 'postgres', 'data', 'PG_VERSION'), '99\n');
    const result = await runCli(['status'], { SHOPIQ_HOME: home });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr);
    expect(result.stderr).toContain(
      `embedded PostgreSQL could not start (data in ${path.join(home, 'postgres', 'data')}): postgres:`,
    );
    expect(result.stderr).toContain('Set DATABASE_URL to use another PostgreSQL server');
  });

  it('an unknown role is refused before anything starts', async () => {
    const result = await runCli(['start', '--role', 'cook'], { SHOPIQ_HOME: tempHome() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("argument 'cook' is invalid");
  });
});

describe('shopiq command: with DATABASE_URL', () => {
  it('migrate applies the schema once; rotate-keys and status work against it', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const env = {
        SHOPIQ_HOME: tempHome(),
        DATABASE_URL: db.url,
        ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      };
      const first = await runCli(['migrate'], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        new RegExp(
          `applied ${MIGRATIONS.length} migration\\(s\\) to postgres://shopiq:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/shopiq_test_`,
        ),
      );
      expect((await runCli(['migrate'], env)).stdout).toContain('is up to date');
      const rotate = await runCli(['rotate-keys'], env);
      expect(rotate.code).toBe(0);
      expect(rotate.stdout).toContain('active key k1: 0 secret(s) re-encrypted');
      const status = JSON.parse((await runCli(['status', '--json'], env)).stdout);
      expect(status.database).toMatchObject({ kind: 'external', reachable: true });
      expect(status.migrations).toEqual({ executed: MIGRATIONS.length, pending: [] });
    } finally {
      await db.drop();
    }
  });
});

describe('shopiq start: two processes on a fresh database', () => {
  it('both come up, and each migration is applied once', async () => {
    const db = await createTestDatabase({ migrated: false });
    const env = () => ({
      SHOPIQ_HOME: tempHome(),
      DATABASE_URL: db.url,
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SHOPIQ_DEMO: 'off',
    });
    const started = await Promise.allSettled([
      startService(env(), undefined, 90_000),
      startService(env(), undefined, 90_000),
    ]);
    try {
      for (const s of started) {
        if (s.status === 'rejected') throw s.reason;
        expect((await fetch(`${s.value.url}/readyz`)).status).toBe(200);
      }
      const applied = await query<{ name: string; times: number }>(
        db.url,
        'select name, count(*)::int as times from mikro_orm_migrations group by name order by name',
      );
      expect(applied).toHaveLength(MIGRATIONS.length);
      expect(applied.filter((m) => m.times !== 1)).toEqual([]);
      // one process applied them all, the other found them there
      const said = started.map((s) => (s.status === 'fulfilled' ? s.value.output() : ''));
      expect(said.filter((out) => out.includes('"msg":"applied database migrations"'))).toHaveLength(1);
    } finally {
      for (const s of started) {
        if (s.status !== 'fulfilled') continue;
        s.value.child.kill('SIGTERM');
        expect(await s.value.exited).toBe(0);
      }
      await db.drop();
    }
  });
});

/** `shopiq start` whose output is read as it comes (it may never say it is up). */
function watchedStart(env: Record<string, string>) {
  const child = spawnStart(env);
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const until = async (text: string) => {
    const deadline = Date.now() + 60_000;
    while (!output.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return output.includes(text);
  };
  return { child, exited, until, output: () => output };
}

describe('shopiq start with SHOPIQ_MIGRATE_ON_START=false', () => {
  const envFor = (url: string) => ({
    SHOPIQ_HOME: tempHome(),
    DATABASE_URL: url,
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SHOPIQ_DEMO: 'off',
  });

  it('waits for the schema `shopiq migrate` applies, and serves once it is there', async () => {
    const db = await createTestDatabase({ migrated: false });
    const env = envFor(db.url);
    const service = watchedStart({ ...env, SHOPIQ_MIGRATE_ON_START: 'false' });
    try {
      expect(await service.until('waiting for the database schema')).toBe(true);
      // it applied nothing itself, and does not serve meanwhile
      expect(await query(db.url, `select to_regclass('unified_order') as t`)).toEqual([{ t: null }]);
      expect(service.output()).not.toContain('"msg":"ShopIQ is up"');
      expect((await runCli(['migrate'], env)).code).toBe(0);
      expect(await service.until('"msg":"ShopIQ is up"')).toBe(true);
      const up = service
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"ShopIQ is up"')) as string;
      expect((await fetch(`${JSON.parse(up).url}/readyz`)).status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      await db.drop();
    }
  });

  it('stops gracefully when asked while it waits', async () => {
    const db = await createTestDatabase({ migrated: false });
    const service = watchedStart({ ...envFor(db.url), SHOPIQ_MIGRATE_ON_START: 'false' });
    try {
      expect(await service.until('waiting for the database schema')).toBe(true);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(service.output()).toContain('"msg":"ShopIQ stopped"');
      expect(service.output()).not.toContain('shopiq: ');
    } finally {
      service.child.kill('SIGKILL');
      await db.drop();
    }
  });
});

describe('shopiq command: zero configuration (embedded PostgreSQL)', () => {
  it('starts, serves health, shares its database with status, stops on SIGTERM with 0, and keeps its data', async () => {
    const home = tempHome();
    const env = { SHOPIQ_HOME: home, SHOPIQ_DEMO: 'off' };

    const first = await startService(env);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(first.output()).toMatch(/"database":"postgres:\/\/shopiq:\*\*\*@127\.0\.0\.1:\d+\/shopiq"/);
    expect(first.output()).toContain('generated a development encryption key');

    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.database).toMatchObject({ kind: 'embedded', shared: true, reachable: true });
    expect(report.database.dataDir).toBe(path.join(home, 'postgres', 'data'));

    // a row written while it runs must be there after a restart
    const credentials = await import(path.join(home, 'postgres', 'credentials.json'), { with: { type: 'json' } });
    const { user, password, port } = credentials.default as { user: string; password: string; port: number };
    const url = `postgres://${user}:${password}@127.0.0.1:${port}/shopiq`;
    await query(url, `insert into "user" (id, display_name) values (gen_random_uuid(), 'kept across restarts')`);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"ShopIQ stopped"');

    const second = await startService(env);
    try {
      expect(second.output()).not.toContain('first run');
      expect(second.output()).not.toContain('generated a development encryption key');
      const again = JSON.parse((await runCli(['status', '--json'], env)).stdout);
      expect(again.sellers).toBe(1);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});

describe('the first run of a new user: npm start with nothing configured', () => {
  it('brings up a demo seller synced from the in-process sandbox, and answers "total sales last month" from its data', async () => {
    const home = tempHome();
    const service = await startService({ SHOPIQ_HOME: home }, undefined, 120_000);
    try {
      const deadline = Date.now() + 120_000;
      while (!service.output().includes('"msg":"demo ready"') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const out = service.output();
      expect(out).toMatch(/Demo: seller "Indigo Loom" connected to the sandbox's shopify, flipkart, amazon stores/);
      expect(out).toMatch(/ {2}amazon: 2000 orders\n {2}flipkart: 2000 orders\n {2}shopify: 2000 orders/);
      const sandboxUrl = /"sandbox":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1] as string;

      const chat = await runCli(['chat'], { SHOPIQ_HOME: home }, undefined, 'What were my total sales last month?\n');
      expect(chat.code).toBe(0);
      // the count of orders placed last month (UTC, the demo seller's zone) equals the sandbox's own records
      const now = new Date();
      const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
      const truth = (await (await fetch(`${sandboxUrl}/_sandbox/truth`)).json()) as {
        orders: { seller: number; month: string; orders: number }[];
      };
      // the demo seller is sandbox seller 1 (seller 2 is there to be connected from chat)
      const orders = truth.orders
        .filter((r) => r.seller === 1 && r.month === lastMonth)
        .reduce((n, r) => n + r.orders, 0);
      expect(orders).toBeGreaterThan(0);
      // dollars as a seller writes them: whole above $10,000 (the order count grouped by thousands)
      const count = orders.toLocaleString('en-US');
      expect(chat.stdout).toMatch(new RegExp(`Sales last month \\(.*\\): \\$[\\d,]+(\\.\\d\\d)? from ${count} orders`));
      expect(chat.stdout).toMatch(/Limited mode/);
      expect(chat.stdout).toMatch(/Data: Amazon, Flipkart and Shopify as of \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)\./);
    } finally {
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    }
  }, 240_000);
});

describe('shopiq sandbox', () => {
  it('serves the sandbox marketplaces until SIGTERM, and refuses bad options in one line', async () => {
    const bad = await runCli(['sandbox', '--orders', '5'], {});
    expect(bad.code).toBe(1);
    expectOneCleanLine(bad.stderr);
    expect(bad.stderr).toContain('--orders: expected a whole number from 10 to 1000000');

    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--orders', '50', '--seed', '3'], {
      env: cliEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let out = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      void exited.then(() => reject(new Error(out)));
    });
    expect(out).toContain('indigo-loom.myshopify.com');
    const stores = (await (await fetch(`${base}/_sandbox/stores`)).json()) as {
      seed: number;
      stores: { orders: number }[];
    };
    expect(stores.seed).toBe(3);
    expect(stores.stores.every((s) => s.orders === 50)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

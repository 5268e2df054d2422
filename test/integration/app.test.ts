import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { query } from '../support/pg-admin.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('service lifecycle and health endpoints', () => {
  let db: TestDatabase;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    app = createApp(testConfig({ DATABASE_URL: db.url }), { role: 'web' });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('applies migrations on start and reports ready', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', problems: [] });
  });

  it('is not ready while a migration is pending', async () => {
    const [row] = await query<{ id: number; name: string; executed_at: Date }>(
      db.url,
      'delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations) returning *',
    );
    try {
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { problems: string[] }).problems).toEqual(['migrations_pending']);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await query(db.url, 'insert into mikro_orm_migrations (id, name, executed_at) values ($1, $2, $3)', [
        row?.id,
        row?.name,
        row?.executed_at,
      ]);
    }
  });

  it('names the problem when the database cannot be reached, never with the driver’s words', async () => {
    const admin = inject('pgAdminUrl');
    await query(admin, `alter database "${db.name}" allow_connections false`);
    await query(admin, 'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [db.name]);
    try {
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = await ready.text();
      expect(JSON.parse(body)).toEqual({ status: 'not_ready', problems: ['database_unreachable'] });
      expect(body).not.toMatch(/accepting connections|terminat|postgres/i);
    } finally {
      await query(admin, `alter database "${db.name}" allow_connections true`);
    }
    // and ready again once it can
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) status = (await fetch(`${app.url}/readyz`)).status;
    expect(status).toBe(200);
  });

  it('answers unknown paths with a JSON 404 and no framework banner', async () => {
    const res = await fetch(`${app.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(await res.json()).toEqual({ error: 'not_found' });
  });

  it('a second service on the same port fails with a clear message and leaves nothing running', async () => {
    const port = new URL(app.url).port;
    const other = createApp(testConfig({ DATABASE_URL: db.url, PORT: port }), { role: 'web' });
    await expect(other.start()).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port}: it is already in use (set PORT or HOST)`,
    );
    expect(await other.orm.isConnected()).toBe(false);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('stops: the port closes and stop can be called again', async () => {
    const url = app.url;
    await app.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await app.stop();
  });
});

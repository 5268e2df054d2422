/**
 * Chart images for WhatsApp's `mediaUrl`, kept in PostgreSQL and served over HTTP: a
 * saved PNG comes back byte for byte with the headers Twilio and caches rely on; an
 * expired, unknown or malformed id is a 404, and a malformed one never reaches the
 * database.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool, openPool, type Queryable } from '../../src/db/pool.ts';
import { createHttpApp } from '../../src/http/http-app.ts';
import { listen, type RunningServer } from '../../src/http/http-server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { mediaRouter } from '../../src/media/media-router.ts';
import { loadMedia, saveMedia } from '../../src/media/media-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('the media store', () => {
  const log = createLogger({ logLevel: 'silent' });
  let db: TestDatabase;
  let pool: pg.Pool;
  let server: RunningServer;
  /** Queries the router sent to the database. */
  let queries = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = openPool(db.url, 2, log);
    const counted: Queryable = {
      query: ((...args: Parameters<pg.Pool['query']>) => {
        queries += 1;
        return pool.query(...args);
      }) as pg.Pool['query'],
    };
    const app = createHttpApp({
      log,
      readiness: { check: async () => [] },
      routers: [{ path: '/', router: mediaRouter({ db: counted, log }) }],
    });
    server = await listen(app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await server?.close(1000);
    if (pool) await closePool(pool);
    await db?.drop();
  });

  it('serves a saved PNG at its path with its type, length and a day of caching', async () => {
    const saved = await saveMedia(pool, { bytes: PNG, contentType: 'image/png' });
    expect(saved.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(saved.path).toBe(`/media/${saved.id}.png`);

    const res = await fetch(`${server.url}${saved.path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(PNG.length));
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);

    const { rows } = await pool.query<{ ttl: number }>(
      `select extract(epoch from expires_at - created_at)::int as ttl from chat_media where id = $1`,
      [saved.id],
    );
    expect(rows[0]?.ttl).toBe(86_400);
  });

  it('gives each image its own unguessable id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await saveMedia(pool, { bytes: PNG, contentType: 'image/png' })).id);
    expect(ids.size).toBe(5);
  });

  it('answers 404 for an expired image, a made-up id and the right id under another extension', async () => {
    const expired = await saveMedia(pool, { bytes: PNG, contentType: 'image/png', ttlMs: -1000 });
    expect(await loadMedia(pool, expired.id)).toBeUndefined();
    const live = await saveMedia(pool, { bytes: PNG, contentType: 'image/png' });
    const madeUp = randomBytes(24).toString('base64url');
    for (const path of [expired.path, `/media/${madeUp}.png`, `/media/${live.id}.jpg`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
  });

  it('answers 404 for a malformed id without asking the database', async () => {
    const before = queries;
    for (const file of ['short.png', `${'a'.repeat(33)}.png`, `${'a'.repeat(31)}%2F.png`, `${'a'.repeat(32)}`]) {
      const res = await fetch(`${server.url}/media/${file}`);
      expect(res.status, file).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    expect(queries).toBe(before);
  });

  it('refuses to store a type WhatsApp would not show', async () => {
    await expect(saveMedia(pool, { bytes: PNG, contentType: 'text/html' })).rejects.toThrow(/not served/);
  });
});

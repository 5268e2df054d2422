/**
 * One id per request and per job on every log line written while it runs, wherever in
 * the code: a request's lines after its body was parsed carry the id its answer
 * names, and two requests never share one.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { withLogContext } from '../../src/logging/log-context.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { twilioEnv } from '../support/twilio-payloads.ts';

describe('log lines carry their request’s or job’s id', () => {
  let db: TestDatabase;
  let app: App;
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig({ DATABASE_URL: db.url, ...twilioEnv() });
    app = createApp(config, { role: 'web', log: createLogger({ logLevel: 'info' }, sink) });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('a request’s lines, written after its body was read, carry the id its answer names', async () => {
    const post = () =>
      fetch(`${app.url}/twilio/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
        body: 'From=whatsapp%3A%2B15550001111&Body=hello&MessageSid=SM1',
      });
    const [first, second] = await Promise.all([post(), post()]);
    expect([first.status, second.status]).toEqual([403, 403]);
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[0]);
    const refused = lines.filter((l) => l.msg === 'Twilio request with a bad signature refused');
    expect(refused.map((l) => l.requestId).sort()).toEqual([...ids].sort());
    // a caller's own id is kept when it is a sane one, replaced when not
    const traced = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.91' } });
    expect(traced.headers.get('x-request-id')).toBe('lb-7f3a.91');
    const odd = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'a b/c' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lines written inside a job, across awaits, carry its id and name; lines outside do not', async () => {
    await withLogContext({ jobId: 'job-42', job: 'sync-seller' }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      app.log.info('inside the job');
    });
    app.log.info('outside any job');
    expect(lines.find((l) => l.msg === 'inside the job')).toMatchObject({ jobId: 'job-42', job: 'sync-seller' });
    expect(lines.find((l) => l.msg === 'outside any job')).not.toHaveProperty('jobId');
  });
});

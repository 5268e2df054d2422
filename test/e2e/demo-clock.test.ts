/**
 * The demo as a new user tries digests: in the terminal chat, `digest 09:00`, then
 * `demo clock 09:00` moves the sandbox's clock to that morning; the demo syncs what
 * happened meanwhile and the digest arrives in that same chat.
 */
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { runTerminalChat } from '../../src/channels/terminal/terminal-chat.ts';
import { type Demo, startDemo } from '../../src/demo/demo.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('the demo’s clock', () => {
  let db: TestDatabase;
  let app: App;
  let demo: Demo;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = createApp(testConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }), { role: 'all' });
    await app.start();
    demo = await startDemo(app);
    app.setDemo({ userId: demo.userId, sandboxUrl: demo.sandboxUrl });
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
    await app?.stop();
    await db?.drop();
  });

  it('after `digest 09:00`, moving the sandbox clock to the next morning delivers the digest in the terminal chat', async () => {
    const input = new PassThrough();
    let printed = '';
    const output = new Writable({
      write(chunk, _enc, done) {
        printed += String(chunk);
        done();
      },
    });
    const chat = runTerminalChat(app.engine, demo.userId, { input, output, chartDir: app.config.home });
    const type = async (line: string, expected: RegExp) => {
      input.write(`${line}\n`);
      await vi.waitFor(() => expect(printed).toMatch(expected), { timeout: 30_000 });
    };
    await type('digest 09:00', /Your digest will come here at 09:00 your time \(UTC\)/);
    await type('demo clock', /The sandbox's clock reads \d{4}-\d{2}-\d{2} 00:00 \(UTC\)/);
    await type('demo clock 09:00', /The sandbox's clock moved from (\S+) 00:00 \(UTC\) to \1 09:00 \(UTC\)/);
    await demo.idle();
    await vi.waitFor(() => expect(printed).toMatch(/Your ShopIQ (weekly )?digest for (yesterday|last week)/), {
      timeout: 30_000,
    });
    expect(printed).toMatch(/Sales: .* from [\d,]+ orders/);
    // the anomaly the demo plants: Flipkart sold nothing on the history's last day
    expect(printed).toMatch(/Flipkart sales fell on \w+ \d{4}-\d{2}-\d{2}: \S+ from 0 orders/);
    expect(printed).toMatch(/Chart: /);
    // once: the clock moving on within the day sends no second digest
    await type('demo clock +2h', /to \S+ 11:00 \(UTC\)/);
    await demo.idle();
    expect(printed.match(/Your ShopIQ (weekly )?digest for/g)).toHaveLength(1);
    input.end('exit\n');
    await chat;
  });
});

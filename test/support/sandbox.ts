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

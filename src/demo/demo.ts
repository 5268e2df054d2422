/**
 * The zero-config first run. The sandbox marketplaces run inside the service on a
 * fixed loopback port; a demo seller is connected to sandbox seller 1's Shopify,
 * Flipkart and Amazon stores through their real OAuth flows, and its history is synced
 * with progress shown. The sandbox's world ends today, so each start begins the demo
 * seller afresh (its previous copy, and that copy's chat, are removed): the figures
 * always match what the sandbox serves. The demo's time is the sandbox's: moving its
 * clock plays what would have happened meanwhile (demo-clock.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../app.ts';
import { progressView } from '../commands/sync-progress.ts';
import { connectSandboxSeller } from '../connections/sandbox-connect.ts';
import { createSandbox, type Sandbox } from '../sandbox/sandbox-server.ts';
import { syncSellers } from '../sync/sync-manager.ts';
import { followSandboxClock } from './demo-clock.ts';

const DEMO_PORT = 4010;
const DEMO_ORDERS_PER_STORE = 2000;

export interface Demo {
  userId: string;
  sellerName: string;
  sandboxUrl: string;
  /** Resolves once the demo has caught up with every move of the sandbox clock so far (demo-clock.ts). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface DemoState {
  userId?: string;
  port?: number;
}

export async function startDemo(app: App): Promise<Demo> {
  const { config, log, pool, vault, scheduler } = app;
  const stateFile = path.join(config.home, 'demo.json');
  const state = readState(stateFile);
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  // one anomaly to show alerts with: Flipkart sells nothing on the history's last day
  const lastDay = new Date(today.getTime() - 86_400_000).toISOString().slice(0, 10);
  const sandbox = createSandbox({
    seed: 42,
    sellers: 2,
    ordersPerStore: DEMO_ORDERS_PER_STORE,
    startMs: today.getTime(),
    limits: false,
    anomalies: [{ kind: 'sales_drop', store: 's1-flipkart', day: lastDay, factor: 0 }],
  });
  const sandboxUrl = await listenOnce(sandbox, state.port ?? DEMO_PORT);
  try {
    if (state.userId) await pool.query('delete from "user" where id = $1', [state.userId]);
    const connected = await connectSandboxSeller({ pool, vault, config }, { sandboxUrl, seller: '1' });
    writeFileSync(
      stateFile,
      `${JSON.stringify({ userId: connected.userId, port: Number(new URL(sandboxUrl).port) })}\n`,
    );
    process.stderr.write(
      `Demo: seller "${connected.sellerName}" connected to the sandbox's ${connected.connections.map((c) => c.marketplace).join(', ')} stores (${sandboxUrl}); syncing their history…\n`,
    );
    const view = progressView(process.stderr, log);
    // the in-process sandbox publishes no limits: Flipkart's cautious default ceiling would only slow its syncs
    const fast = { ...config, flipkart: { ...config.flipkart, maxRequestsPerS: 200 } };
    const [result] = await syncSellers(
      { pool, vault, config: fast, log },
      { userIds: [connected.userId], trigger: 'manual', onProgress: (p) => view.update(p) },
    );
    view.done();
    for (const c of result?.connections ?? []) {
      process.stderr.write(
        `  ${c.marketplace}: ${c.status === 'succeeded' ? `${c.ordersUpserted} orders` : `${c.status} (${c.error})`}\n`,
      );
    }
    await scheduler.scheduleSeller(connected.userId);
    const clock = followSandboxClock(app, fast, sandbox, connected.userId);
    log.info({ userId: connected.userId, sandbox: sandboxUrl }, 'demo ready');
    return {
      userId: connected.userId,
      sellerName: connected.sellerName,
      sandboxUrl,
      idle: clock.idle,
      stop: async () => {
        clock.stop();
        await clock.idle();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** The recorded port; a free one when it is taken (the seller is recreated anyway). */
async function listenOnce(sandbox: Sandbox, port: number): Promise<string> {
  try {
    return await sandbox.listen(port, '127.0.0.1');
  } catch {
    return sandbox.listen(0, '127.0.0.1');
  }
}

function readState(file: string): DemoState {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
  } catch {
    return {};
  }
}

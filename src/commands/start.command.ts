import path from 'node:path';
import { createApp } from '../app.ts';
import { runTerminalChat } from '../channels/terminal/terminal-chat.ts';
import type { Config, Role } from '../config/config.ts';
import { type Demo, startDemo } from '../demo/demo.ts';
import { createLogger } from '../logging/logger.ts';
import { stopSignals } from './stop-signals.ts';

/**
 * Runs the service until SIGINT/SIGTERM, then shuts down gracefully and exits 0; asked
 * again later (not the same Ctrl-C relayed by npm: stop-signals.ts), it exits 1 at once. In
 * the zero-config demo (config.demo) it also brings up the sandbox and a synced demo
 * seller, and on a terminal opens the chat: leaving it stops the service.
 */
export async function startCommand(config: Config, role: Role): Promise<void> {
  // a chat on this terminal is not to be interleaved with the service's info lines
  const chatting = config.demo && role === 'all' && process.stdin.isTTY === true;
  const log = createLogger({ logLevel: chatting && config.logLevel === 'info' ? 'warn' : config.logLevel });
  const app = createApp(config, { role, log });
  let demo: Demo | undefined;
  const nextSignal = stopSignals();
  const shutdown = (code: number) => {
    const force = setTimeout(() => {
      app.log.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1500);
    force.unref();
    Promise.all([app.stop(), demo?.stop()]).then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const meaning = nextSignal();
    if (meaning === 'same') return;
    if (meaning === 'force') {
      app.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    app.log.info({ signal }, 'shutting down');
    stopping = true;
    shutdown(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await app.start();
  } catch (error) {
    // stopped while starting (e.g. waiting for the schema): the shutdown under way exits
    if (stopping) return;
    throw error;
  }
  if (!config.demo || role !== 'all') return;
  demo = await startDemo(app);
  app.setDemo({ userId: demo.userId, sandboxUrl: demo.sandboxUrl });
  if (!chatting) {
    process.stderr.write(
      `Demo ready: ask with \`npx shopiq chat\` in another terminal; the service runs at ${app.url}.\n`,
    );
    return;
  }
  await runTerminalChat(app.engine, demo.userId, {
    input: process.stdin,
    output: process.stdout,
    chartDir: path.join(config.home, 'charts'),
  });
  shutdown(0);
}

import { createApp } from '../app.ts';
import type { Config, Role } from '../config/config.ts';

/** Runs the service until SIGINT/SIGTERM, then shuts down gracefully and exits 0. */
export async function startCommand(config: Config, role: Role): Promise<void> {
  const app = createApp(config, { role });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      app.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1500);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await app.start();
}

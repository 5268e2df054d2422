import type { Config } from '../config/config.ts';
import { connectSandboxSeller } from '../connections/sandbox-connect.ts';
import { describeSchedule } from '../jobs/sync-schedule.ts';
import type { Logger } from '../logging/logger.ts';
import { withServices } from './with-database.ts';

export interface SandboxConnectOptions {
  sandbox: string;
  seller?: string;
}

export async function sandboxConnectCommand(config: Config, log: Logger, opts: SandboxConnectOptions): Promise<void> {
  const { result, schedule } = await withServices(config, log, async ({ pool, vault, scheduler }) => {
    const connected = await connectSandboxSeller(
      { pool, vault, config },
      { sandboxUrl: opts.sandbox, seller: opts.seller },
    );
    // the first connection starts the seller's recurring syncs
    return { result: connected, schedule: await (await scheduler()).scheduleSeller(connected.userId) };
  });
  const lines = [
    `${result.createdSeller ? 'created' : 'reusing'} seller "${result.sellerName}"`,
    ...result.connections.map((c) => `  connected ${c.marketplace} ${c.account}`),
    ...result.skipped.map((s) => `  skipped ${s.marketplace} ${s.account}: ${s.reason}`),
    schedule
      ? `  syncs ${describeSchedule(schedule)} while a worker runs (shopiq start)`
      : '  no recurring sync: nothing connected',
    `seller id: ${result.userId}`,
  ];
  process.stderr.write(`${lines.slice(0, -1).join('\n')}\n`);
  // the id alone on stdout, so scripts can capture it
  process.stdout.write(`${result.userId}\n`);
}

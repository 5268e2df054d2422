import type { Config } from '../config/config.ts';
import { connectSandboxSeller } from '../connections/sandbox-connect.ts';
import type { Logger } from '../logging/logger.ts';
import { withServices } from './with-database.ts';

export interface SandboxConnectOptions {
  sandbox: string;
  seller?: string;
}

export async function sandboxConnectCommand(config: Config, log: Logger, opts: SandboxConnectOptions): Promise<void> {
  const result = await withServices(config, log, ({ pool, vault }) =>
    connectSandboxSeller({ pool, vault, config }, { sandboxUrl: opts.sandbox, seller: opts.seller }),
  );
  const lines = [
    `${result.createdSeller ? 'created' : 'reusing'} seller "${result.sellerName}"`,
    ...result.connections.map((c) => `  connected ${c.marketplace} ${c.account}`),
    ...result.skipped.map((s) => `  skipped ${s.marketplace} ${s.account}: ${s.reason}`),
    `seller id: ${result.userId}`,
  ];
  process.stderr.write(`${lines.slice(0, -1).join('\n')}\n`);
  // the id alone on stdout, so scripts can capture it
  process.stdout.write(`${result.userId}\n`);
}

/**
 * The `shopiq` command. It only handles the process: parse arguments, load the
 * configuration, run a command, turn failures into one clear line and an exit code.
 */
import { Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { type ChatCommandOptions, chatCommand } from './commands/chat.command.ts';
import { type LinkCommandOptions, linkCommand } from './commands/link.command.ts';
import { migrateCommand } from './commands/migrate.command.ts';
import { rotateKeysCommand } from './commands/rotate-keys.command.ts';
import { type SandboxCommandOptions, sandboxCommand } from './commands/sandbox.command.ts';
import { type SandboxConnectOptions, sandboxConnectCommand } from './commands/sandbox-connect.command.ts';
import { startCommand } from './commands/start.command.ts';
import { statusCommand } from './commands/status.command.ts';
import { type SyncCommandOptions, syncCommand } from './commands/sync.command.ts';
import { type Config, loadConfig, ROLES, type Role } from './config/config.ts';
import { MARKETPLACES } from './db/enums.ts';
import { isAppError } from './errors/app-error.ts';
import { createLogger } from './logging/logger.ts';

let config: Config | undefined;

function configured(): Config {
  config ??= loadConfig();
  return config;
}

const program = new Command('shopiq')
  .description('ShopIQ: chat-first analytics for Shopify, Flipkart and Amazon sellers')
  .version(pkg.version)
  .showHelpAfterError();

program
  .command('start')
  .description('run the service (HTTP and/or job worker) until SIGINT/SIGTERM')
  .addOption(new Option('--role <role>', 'which part to run').choices(ROLES).default('all'))
  .action(async (opts: { role: Role }) => {
    await startCommand(configured(), opts.role);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const c = configured();
    await migrateCommand(c, createLogger({ logLevel: quiet(c) }));
  });

program
  .command('status')
  .description('show the database, migrations, sellers, connections and recent syncs')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const c = configured();
    await statusCommand(c, createLogger({ logLevel: quiet(c) }), pkg.version, opts.json ?? false);
  });

program
  .command('rotate-keys')
  .description('re-encrypt every stored marketplace token under the active encryption key')
  .action(async () => {
    const c = configured();
    process.exitCode = await rotateKeysCommand(c, createLogger({ logLevel: quiet(c) }));
  });

program
  .command('sandbox')
  .description('run the sandbox marketplaces (Shopify, Flipkart, Amazon, FX) on loopback')
  .option('--port <port>', 'port (0: any free one)', '4010')
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--seed <seed>', 'seed of the generated data', '42')
  .option('--orders <n>', 'orders of history per store (10 to 1,000,000)', '1000')
  .option('--sellers <n>', 'sellers, each with a Shopify, Flipkart and Amazon store', '3')
  .option('--faults <spec>', 'faults, e.g. "shopify:429=0.3,5xx=0.1;amazon:tokenTtl=60"')
  .option(
    '--anomalies <spec>',
    'anomalies to plant (sales_drop, return_spike, cancel_spike, stock_out, large_order), e.g. "sales_drop:s1-flipkart:2026-11-20;return_spike:s1-shopify:3:2026-11-10;stock_out:s1-amazon:5"',
  )
  .option('--no-limits', 'turn the published rate limits off')
  .option('--start <iso date>', 'sandbox clock at start (default: today 00:00 UTC)')
  .action(async (opts: SandboxCommandOptions) => {
    await sandboxCommand(opts);
  });

program
  .command('sandbox-connect')
  .description('connect a seller to its sandbox stores through the real OAuth flow; prints the seller id')
  .requiredOption('--sandbox <url>', 'base URL of a running `shopiq sandbox`, e.g. http://127.0.0.1:4010')
  .option('--seller <name>', 'sandbox seller number or name', '1')
  .action(async (opts: SandboxConnectOptions) => {
    const c = configured();
    await sandboxConnectCommand(c, createLogger({ logLevel: quiet(c) }), opts);
  });

program
  .command('sync')
  .description('sync marketplace data now (all sellers, or one), with progress and a summary')
  .option('--seller <id or name>', 'only this seller')
  .addOption(new Option('--marketplace <name>', 'only this marketplace').choices(MARKETPLACES))
  .action(async (opts: SyncCommandOptions) => {
    const c = configured();
    process.exitCode = await syncCommand(
      c,
      createLogger({ logLevel: process.stderr.isTTY ? quiet(c) : c.logLevel }),
      opts,
    );
  });

program
  .command('link')
  .description('let a Slack user or WhatsApp number ask about a seller’s data (support, demos)')
  .requiredOption('--seller <id or name>', 'the seller')
  .option('--slack <team:user>', 'a Slack identity: <team id>:<user id>, e.g. T012AB3C4:U045DE6F7')
  .option('--whatsapp <+E164>', 'a WhatsApp number, e.g. +919812345678')
  .action(async (opts: LinkCommandOptions) => {
    const c = configured();
    await linkCommand(c, createLogger({ logLevel: quiet(c) }), opts);
  });

program
  .command('chat')
  .description('ask about your sales in this terminal (one question per line when input is not a terminal)')
  .option('--seller <id or name>', 'the seller (default: the only one)')
  .action(async (opts: ChatCommandOptions) => {
    const c = configured();
    await chatCommand(c, createLogger({ logLevel: quiet(c) }), opts);
    // everything is closed; Agenda leaves a timer per job it ran (lockLifetime/2) that would hold the process
    process.exit(0);
  });

/** One-shot commands print their result; their logs only say what went wrong. */
function quiet(c: Config): Config['logLevel'] {
  return c.logLevel === 'info' ? 'warn' : c.logLevel;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isAppError(error)) {
    process.stderr.write(`shopiq: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shopiq: unexpected error: ${message.split('\n')[0]}\n`);
    if (config?.logLevel === 'debug' || config?.logLevel === 'trace') console.error(error);
  }
  process.exit(1);
}

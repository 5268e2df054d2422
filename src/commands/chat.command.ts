import path from 'node:path';
import { createChatNotifier } from '../channels/notifier.ts';
import { runTerminalChat } from '../channels/terminal/terminal-chat.ts';
import type { Config } from '../config/config.ts';
import { createConversationEngine } from '../conversation/create-engine.ts';
import type { Logger } from '../logging/logger.ts';
import { resolveOneSeller } from './resolve-seller.ts';
import { withServices } from './with-database.ts';

export interface ChatCommandOptions {
  seller?: string;
}

/** `shopiq chat`: the conversation in this terminal, for one seller. */
export async function chatCommand(config: Config, log: Logger, opts: ChatCommandOptions): Promise<void> {
  await withServices(config, log, async ({ pool, vault, scheduler }) => {
    const userId = await resolveOneSeller(pool, opts.seller);
    const jobs = await scheduler();
    // this process works jobs too, so a refresh asked for here happens even when no service runs
    await jobs.work({ pool, vault, config, log }, createChatNotifier({ config, db: pool, vault, log }));
    const engine = createConversationEngine({ config, db: pool, log, scheduler: jobs });
    try {
      await runTerminalChat(engine, userId, {
        input: process.stdin,
        output: process.stdout,
        chartDir: path.join(config.home, 'charts'),
        log: log,
      });
    } finally {
      engine.close();
    }
  });
}

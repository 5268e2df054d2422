import type pg from 'pg';
import type { Config } from '../config/config.ts';
import type { ConnectService } from '../connections/connect-service.ts';
import type { Scheduler } from '../jobs/scheduler.ts';
import type { Logger } from '../logging/logger.ts';
import { ConversationEngine } from './conversation-engine.ts';
import { AnthropicClient } from './llm/anthropic-client.ts';
import type { LlmClient } from './llm/llm-client.ts';

/** The engine as the service runs it: Claude when a key is configured (else limited mode), syncs through the job store. */
export function createConversationEngine(deps: {
  config: Pick<Config, 'anthropic' | 'conversation'>;
  db: pg.Pool;
  log: Logger;
  scheduler: Scheduler | undefined;
  demoUserId?: () => string | undefined;
  connections?: ConnectService | undefined;
  /** Instead of the configured model. */
  llm?: LlmClient;
}): ConversationEngine {
  const { config, scheduler } = deps;
  const llm =
    deps.llm ??
    (config.anthropic.apiKey
      ? new AnthropicClient({
          apiKey: config.anthropic.apiKey,
          model: config.anthropic.model,
          baseUrl: config.anthropic.baseUrl,
          timeoutMs: config.conversation.llmTimeoutMs,
        })
      : undefined);
  return new ConversationEngine({
    db: deps.db,
    config,
    log: deps.log,
    llm,
    syncs: scheduler,
    reschedule: scheduler ? (userId) => scheduler.scheduleSeller(userId) : undefined,
    demoUserId: deps.demoUserId,
    connections: deps.connections,
  });
}

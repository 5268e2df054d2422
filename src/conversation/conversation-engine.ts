/**
 * One message in, one reply out, whatever the channel: commands are answered at once;
 * a question first makes sure the seller's data is fresh enough (freshness-gate.ts),
 * then goes to the model with the analytics tools bound to this seller, or, without a
 * model or budget, to the built-in matcher. The conversation's turns are kept, and a
 * refresh still running when the answer went out is followed up through `notify`.
 */
import type pg from 'pg';
import { type ConnectionFreshness, connectionFreshness } from '../analytics/freshness.ts';
import { loadSellerScope, type SellerScope } from '../analytics/seller-scope.ts';
import type { Config } from '../config/config.ts';
import type { ConnectService } from '../connections/connect-service.ts';
import type { SyncRequest } from '../jobs/scheduler.ts';
import type { Logger } from '../logging/logger.ts';
import { type AnswerMode, metrics } from '../observability/metrics.ts';
import { type ChatTurn, recentMessages, recordMessage } from './chat-history.ts';
import { runCommand } from './command-handlers.ts';
import { parseCommand } from './commands.ts';
import { describeFreshness, ensureFresh, freshnessNote, type SyncRequester } from './freshness-gate.ts';
import { LIMITED_MODE_EXAMPLES, matchIntent } from './limited-mode.ts';
import type { LlmClient, LlmUsage } from './llm/llm-client.ts';
import { type Reply, textReply } from './reply.ts';
import { systemPrompt } from './system-prompt.ts';
import { dailyTokenBudget, type TokenAllowance } from './token-budget.ts';
import { runToolLoop } from './tool-loop.ts';
import { type BoundTool, bindTools, TOOL_STATUS } from './tools/index.ts';
import type { ToolRequest } from './tools/tool.ts';

export const MAX_MESSAGE_CHARS = 2000;
/** How long a follow-up waits for a refresh that outlasted the answer. */
const FOLLOW_UP_WAIT_MS = 15 * 60_000;

export interface IncomingMessage extends ChatTurn {
  text: string;
  /** The chat identity that sent it (channels have one; the terminal has none): `link <code>` and `demo` move it. */
  identity?: { id: string; key: string };
}

interface Answer {
  /** Who answered: the model, or limited mode and why. */
  mode: AnswerMode;
  reply: Reply;
  metadata: Record<string, unknown>;
  usage?: LlmUsage;
}

export type Notify = (reply: Reply) => void | Promise<void>;

/** What a channel hears of a turn while it runs, besides the reply. */
export interface TurnHooks {
  /** A refresh outlasted the answer: its outcome, later. */
  notify?: Notify;
  /** What is being done now, as a status line ("Looking at your sales…"). */
  status?: (text: string) => void;
  /** The model's words as they are written; the reply's text starts with them. */
  text?: (delta: string) => void;
}

export interface ConversationDeps {
  db: pg.Pool;
  config: Pick<Config, 'conversation'>;
  log: Logger;
  /** Undefined: limited mode. */
  llm: LlmClient | undefined;
  /** Undefined: no job store here; stale data is answered as it is. */
  syncs: SyncRequester | undefined;
  /** Brings the seller's recurring sync in line after a change (timezone, disconnect). */
  reschedule?: (userId: string) => Promise<unknown>;
  /** The demo seller a new chat identity may look at (`demo`), while the demo runs. */
  demoUserId?: () => string | undefined;
  /** `connect` and `disconnect`: links to each marketplace's authorization, revocation, deletion. */
  connections?: ConnectService | undefined;
  clock?: () => Date;
}

export class ConversationEngine {
  readonly #deps: ConversationDeps;
  readonly #clock: () => Date;
  readonly #followUps = new Set<Promise<void>>();
  /** Jobs whose end a follow-up already waits for. */
  readonly #followed = new Set<string>();
  #closed = false;

  constructor(deps: ConversationDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? (() => new Date());
  }

  get limitedMode(): boolean {
    return this.#deps.llm === undefined;
  }

  async handle(message: IncomingMessage, hooks: TurnHooks = {}): Promise<Reply> {
    const text = message.text.trim();
    if (!text) return textReply('Ask me about your sales, products, returns or stock, or type `help`.');
    if (text.length > MAX_MESSAGE_CHARS) {
      return textReply(
        `That message is too long for me (over ${MAX_MESSAGE_CHARS} characters): please ask in fewer words.`,
      );
    }
    const scope = await loadSellerScope(this.#deps.db, message.userId);
    if (!scope)
      return textReply('I do not know this account yet: connect a marketplace first (`connect <marketplace>`).');
    const command = parseCommand(text);
    if (command) {
      return runCommand(command, {
        ...this.#deps,
        scope,
        now: this.#clock(),
        limitedMode: this.limitedMode,
        identity: message.identity,
        address: {
          channel: message.channel,
          conversationId: message.conversationId,
          // the identity's external id: its key without the channel
          identity: message.identity ? message.identity.key.slice(message.channel.length + 1) : 'local',
        },
        demoUserId: this.#deps.demoUserId,
        followUp: (request) => this.#followUp(request, scope, hooks.notify),
      });
    }
    return this.#answer(message, text, scope, hooks);
  }

  /** Stops following up (the channel is going away): pending follow-ups are dropped. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves when every follow-up started so far has been sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#followUps.size > 0) await Promise.allSettled([...this.#followUps]);
  }

  async #answer(message: IncomingMessage, question: string, scope: SellerScope, hooks: TurnHooks): Promise<Reply> {
    const { db, config, log } = this.#deps;
    const startedAt = performance.now();
    if (!(await hasMarketplaces(db, scope.userId)))
      return textReply(onboarding(this.#deps.demoUserId?.() !== undefined));
    const history = await recentMessages(db, message);
    const fresh = await ensureFresh({
      db,
      scope,
      now: this.#clock,
      staleAfterMs: config.conversation.staleAfterMs,
      waitMs: config.conversation.freshnessWaitMs,
      outageCooldownMs: config.conversation.outageCooldownMs,
      syncs: this.#deps.syncs,
      followed: (request) => this.#followed.has(request.jobId),
      status: hooks.status,
    });
    const now = this.#clock();
    const request: ToolRequest = { pool: db, scope, now, freshness: async () => fresh.connections };
    const tools = bindTools(request, log.child({ userId: scope.userId }));
    const { llm } = this.#deps;
    const budget = dailyTokenBudget(db, scope, config.conversation.dailyTokenBudget, now);
    const answer = llm
      ? await this.#askModel(llm, scope, now, fresh.connections, history, question, tools, budget, hooks)
          .catch((err: unknown) => {
            // the model could not be reached or failed: the common questions still get an answer
            log.warn({ err, userId: scope.userId }, 'model request failed: answering in limited mode');
            return this.#answerLimited(question, tools, 'unavailable');
          })
          // nothing left of today's budget for even one request
          .then((answered) => answered ?? this.#answerLimited(question, tools, 'budget'))
      : await this.#answerLimited(question, tools, 'no-model');
    const { usage } = answer;
    metrics.answered(answer.mode, (performance.now() - startedAt) / 1000, {
      input: usage?.inputTokens,
      cache_read: usage?.cacheReadTokens,
      cache_write: usage?.cacheWriteTokens,
      output: usage?.outputTokens,
    });
    const text = [answer.reply.text, freshnessNote(fresh)].filter(Boolean).join('\n\n');
    await recordMessage(db, message, { role: 'user', content: question });
    const messageId = await recordMessage(db, message, {
      role: 'assistant',
      content: text,
      metadata: answer.metadata,
      usage: answer.usage,
    });
    if (fresh.pending) this.#followUp(fresh.pending, scope, hooks.notify);
    return { ...answer.reply, text, messageId };
  }

  async #askModel(
    llm: LlmClient,
    scope: SellerScope,
    now: Date,
    connections: ConnectionFreshness[],
    history: Awaited<ReturnType<typeof recentMessages>>,
    question: string,
    tools: BoundTool[],
    budget: TokenAllowance,
    hooks: TurnHooks,
  ): Promise<Answer | undefined> {
    const result = await runToolLoop({
      onToolCall: hooks.status && ((name) => hooks.status?.(toolStatus(name))),
      onText: hooks.text,
      llm,
      system: systemPrompt(scope, now, connections),
      messages: [...history, { role: 'user', content: question }],
      tools,
      maxTokens: this.#deps.config.conversation.maxOutputTokens,
      budget,
    });
    if (result.requests === 0) return undefined;
    const text =
      (result.text || 'I could not put an answer together just now; please ask again.') +
      (result.truncated ? ' …(cut short)' : '') +
      (result.budgetSpent
        ? '\n\n(That used up today’s question budget: further answers today are in limited mode.)'
        : '');
    return {
      mode: 'model',
      reply: {
        text,
        tables: result.outputs.flatMap((o) => (o.table ? [o.table] : [])),
        charts: result.outputs.flatMap((o) => (o.chart ? [o.chart] : [])),
      },
      metadata: { model: llm.model, toolCalls: result.toolCalls },
      usage: result.usage,
    };
  }

  async #answerLimited(question: string, tools: BoundTool[], why: Exclude<AnswerMode, 'model'>): Promise<Answer> {
    const mode = {
      budget: '(Today’s question budget is used up, so I am answering in limited mode: common questions only.)',
      unavailable:
        '(The AI model could not be reached just now, so I am answering in limited mode: common questions only.)',
      'no-model': '(Limited mode: no AI model is configured, so I answer the common questions only.)',
    }[why];
    const intent = matchIntent(question);
    const tool = intent && tools.find((t) => t.name === intent.tool);
    if (!intent || !tool) {
      return {
        mode: why,
        reply: {
          text: `${mode}\nI did not understand that one. Try:\n- ${LIMITED_MODE_EXAMPLES.join('\n- ')}\nor type \`help\`.`,
          tables: [],
          limitedMode: true,
        },
        metadata: { limitedMode: true, matched: null },
      };
    }
    const run = await tool.run(intent.input);
    const text = run.ok ? intent.describe(JSON.parse(run.content)) : `I could not answer that: ${run.content}`;
    return {
      mode: why,
      reply: {
        text: `${text}\n\n${mode}`,
        tables: run.ok && run.output.table ? [run.output.table] : [],
        charts: run.ok && run.output.chart ? [run.output.chart] : [],
        limitedMode: true,
      },
      metadata: { limitedMode: true, toolCalls: [{ name: intent.tool, input: intent.input, ok: run.ok }] },
    };
  }

  /** Tells the seller, later, how a refresh that outlasted the answer ended. */
  #followUp(request: SyncRequest, scope: SellerScope, notify?: Notify): void {
    const { syncs, db, config, log } = this.#deps;
    if (!notify || !syncs || this.#followed.has(request.jobId)) return;
    this.#followed.add(request.jobId);
    const done: Promise<void> = (async () => {
      const result = await syncs.waitForSync(request, FOLLOW_UP_WAIT_MS);
      if (result === 'timeout' || this.#closed) return;
      const connections = await connectionFreshness(db, scope, this.#clock(), config.conversation.staleAfterMs);
      const behind = connections.filter((c) => c.stale || !c.syncable);
      await notify(
        textReply(
          result === 'finished' && behind.length === 0
            ? `Your data is up to date now (${describeFreshness(connections)}). Ask again for the latest figures.`
            : `The refresh has ended, but not everything could be brought up to date: ${describeFreshness(connections)}.`,
        ),
      );
    })()
      .catch((err: unknown) => {
        if (!this.#closed) log.warn({ err, userId: scope.userId }, 'sync follow-up failed');
      })
      .finally(() => {
        this.#followUps.delete(done);
        this.#followed.delete(request.jobId);
      });
    this.#followUps.add(done);
  }
}

async function hasMarketplaces(db: pg.Pool, userId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from marketplace_connection where user_id = $1 limit 1', [userId]);
  return rows.length > 0;
}

/** A seller with nothing connected yet: how to start, never anyone else's figures. */
export function onboarding(demo: boolean): string {
  return [
    'Welcome to ShopIQ! I answer questions about your Shopify, Flipkart and Amazon sales, but no marketplace is connected to this account yet.',
    '- Connect one: `connect shopify your-shop.myshopify.com` (or `connect flipkart`, `connect amazon`).',
    '- Already use ShopIQ in another chat? Type `link` there and send me the code it gives: `link KMT-482913`.',
    ...(demo ? ['- Just looking? Type `demo` to try me with a demo store’s data.'] : []),
  ].join('\n');
}

/** What a channel's status line says while the model uses a tool. */
function toolStatus(tool: string): string {
  return TOOL_STATUS[tool] ?? 'Looking at your data…';
}

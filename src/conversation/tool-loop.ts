/**
 * One answer from the model with tools: ask, run the tools it calls, give it the
 * results, until it answers in text. Bounded: at most `maxToolCalls` tool runs per
 * answer (calls beyond get an error result, and the next request forbids tools, so it
 * must answer with what it has), each request capped at `maxTokens` of output, and,
 * with a `budget`, each request's tokens reserved before it is sent and counted when it
 * returns (also when a later request fails): no request starts once the budget is spent.
 */
import type { LlmBlock, LlmClient, LlmMessage, LlmUsage } from './llm/llm-client.ts';
import { addUsage, NO_USAGE } from './llm/llm-client.ts';
import type { TokenAllowance } from './token-budget.ts';
import type { BoundTool } from './tools/index.ts';
import type { ToolOutput } from './tools/tool.ts';

export const MAX_TOOL_CALLS = 8;

export interface ToolLoopOptions {
  llm: LlmClient;
  system: string;
  /** Earlier turns of the conversation, oldest first, ending with the seller's question. */
  messages: LlmMessage[];
  tools: BoundTool[];
  maxToolCalls?: number;
  maxTokens: number;
  /** The seller's token budget: each request reserves from it first, and is counted in it. */
  budget?: TokenAllowance;
  signal?: AbortSignal;
  /** The model's text as it is written (every round's, separated as in `text`). */
  onText?: (delta: string) => void;
  /** A tool is about to run. */
  onToolCall?: (name: string) => void;
}

export interface ToolCallRecord {
  name: string;
  input: unknown;
  ok: boolean;
}

export interface ToolLoopResult {
  /** Everything the model wrote, every round's text in order (what it said before calling tools included). */
  text: string;
  toolCalls: ToolCallRecord[];
  /** What the tools that succeeded returned, in order (tables for the reply). */
  outputs: ToolOutput[];
  usage: LlmUsage;
  /** The answer was cut at the output cap. */
  truncated: boolean;
  /** The token budget ran out before the model answered. */
  budgetSpent: boolean;
  /** Model requests sent (0: the budget had nothing left for the first). */
  requests: number;
}

export async function runToolLoop(options: ToolLoopOptions): Promise<ToolLoopResult> {
  const max = options.maxToolCalls ?? MAX_TOOL_CALLS;
  const byName = new Map(options.tools.map((t) => [t.name, t]));
  const specs = options.tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
  const messages = [...options.messages];
  const toolCalls: ToolCallRecord[] = [];
  const outputs: ToolOutput[] = [];
  let usage = NO_USAGE;
  // what the model said in earlier rounds: a channel may have shown it already, so the answer keeps it
  const said: string[] = [];
  const written = () => said.filter(Boolean).join('\n\n');
  const onText = options.onText;
  let requests = 0;
  for (let round = 0; round <= max + 1; round++) {
    const reserved = options.budget
      ? await options.budget.reserve(estimateTokens(options.system, specs, messages) + options.maxTokens)
      : 0;
    if (options.budget && reserved <= 0) {
      return { text: written(), toolCalls, outputs, usage, truncated: false, budgetSpent: true, requests };
    }
    // rounds are separated by a blank line in the streamed text as in the answer
    let first = true;
    const separated = onText
      ? (delta: string) => {
          if (first && written()) onText('\n\n');
          first = false;
          onText(delta);
        }
      : undefined;
    requests++;
    const response = await options.llm
      .complete({
        system: options.system,
        messages,
        tools: specs,
        toolChoice: toolCalls.length >= max ? 'none' : 'auto',
        maxTokens: options.maxTokens,
        signal: options.signal,
        onText: separated,
      })
      .catch(async (error: unknown) => {
        // the failed request's reservation goes back; what the earlier ones used stays counted
        await options.budget?.settle(reserved, undefined);
        throw error;
      });
    await options.budget?.settle(reserved, response.usage);
    usage = addUsage(usage, response.usage);
    said.push(textOf(response.content));
    const uses = response.content.filter((b) => b.type === 'tool_use');
    if (response.stopReason !== 'tool_use' || uses.length === 0) {
      return {
        text: written(),
        toolCalls,
        outputs,
        usage,
        truncated: response.stopReason === 'max_tokens',
        budgetSpent: false,
        requests,
      };
    }
    messages.push({ role: 'assistant', content: response.content });
    const results: LlmBlock[] = [];
    for (const use of uses) {
      if (toolCalls.length >= max) {
        results.push({
          type: 'tool_result',
          toolUseId: use.id,
          content: `limit of ${max} tool calls per answer reached: answer with the results you have`,
          isError: true,
        });
        continue;
      }
      const tool = byName.get(use.name);
      options.onToolCall?.(use.name);
      const run = tool
        ? await tool.run(use.input)
        : { ok: false as const, content: `there is no tool named ${use.name}` };
      toolCalls.push({ name: use.name, input: use.input, ok: run.ok });
      if (run.ok) outputs.push(run.output);
      results.push({ type: 'tool_result', toolUseId: use.id, content: run.content, isError: !run.ok });
    }
    messages.push({ role: 'user', content: results });
  }
  return { text: written(), toolCalls, outputs, usage, truncated: false, budgetSpent: false, requests };
}

/** A request's input tokens, roughly (four characters a token): enough to reserve for it. */
function estimateTokens(system: string, specs: unknown[], messages: LlmMessage[]): number {
  return Math.ceil((system.length + JSON.stringify(specs).length + JSON.stringify(messages).length) / 4);
}

function textOf(blocks: LlmBlock[]): string {
  return blocks
    .flatMap((b) => (b.type === 'text' ? [b.text] : []))
    .join('\n')
    .trim();
}

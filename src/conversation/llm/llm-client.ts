/**
 * What the conversation engine needs of a language model: one request of a tool-use
 * conversation in, the model's next turn out. The Anthropic Messages API implements it
 * (anthropic-client.ts); tests and benchmarks script it.
 */

export interface LlmToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type LlmBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError: boolean };

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string | LlmBlock[];
}

export interface LlmRequest {
  system: string;
  messages: LlmMessage[];
  tools: LlmToolSpec[];
  /** `none`: answer in text now (the tool-call cap is reached). */
  toolChoice?: 'auto' | 'none';
  maxTokens: number;
  signal?: AbortSignal;
  /** Given: the response is streamed, and its text handed over as it comes. */
  onText?: (delta: string) => void;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface LlmResponse {
  content: LlmBlock[];
  /** `tool_use`: it waits for tool results; `max_tokens`: it was cut at the output cap. */
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'other';
  usage: LlmUsage;
}

export interface LlmClient {
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmResponse>;
}

export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

export const NO_USAGE: LlmUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

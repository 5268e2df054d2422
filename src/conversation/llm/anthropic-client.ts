/**
 * The Messages API behind `LlmClient`. The system prompt and the tool definitions are
 * the same on every request of a conversation: both are marked for prompt caching
 * (the cache breakpoint on the last tool covers all tools; the one on the system
 * prompt covers it after them). `ANTHROPIC_BASE_URL` points it at a proxy or a mock.
 * With `onText` the response is streamed (`messages.stream`), so a channel can show
 * the first words while the model is still writing.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { LlmBlock, LlmClient, LlmRequest, LlmResponse } from './llm-client.ts';

export interface AnthropicClientOptions {
  apiKey: string;
  model: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** The SDK's own retries of 429/5xx/connection errors (0 in tests). */
  maxRetries?: number;
}

export class AnthropicClient implements LlmClient {
  readonly model: string;
  readonly #sdk: Anthropic;

  constructor(options: AnthropicClientOptions) {
    this.model = options.model;
    this.#sdk = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
    });
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const tools = request.tools.map((t, i) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
      ...(i === request.tools.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}),
    }));
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model: this.model,
      max_tokens: request.maxTokens,
      system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
      tools,
      ...(tools.length > 0 ? { tool_choice: { type: request.toolChoice ?? 'auto' } } : {}),
      messages: request.messages.map((m) => ({
        role: m.role,
        content: typeof m.content === 'string' ? m.content : m.content.map(toApiBlock),
      })),
    };
    const { onText } = request;
    const message = onText
      ? await this.#sdk.messages
          .stream(body, { signal: request.signal })
          .on('text', (delta) => onText(delta))
          .finalMessage()
      : await this.#sdk.messages.create(body, { signal: request.signal });
    return {
      content: message.content.flatMap((b): LlmBlock[] => {
        if (b.type === 'text') return [{ type: 'text', text: b.text }];
        if (b.type === 'tool_use') return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }];
        return [];
      }),
      stopReason:
        message.stop_reason === 'end_turn' || message.stop_reason === 'tool_use' || message.stop_reason === 'max_tokens'
          ? message.stop_reason
          : 'other',
      usage: {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      },
    };
  }
}

function toApiBlock(block: LlmBlock): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'tool_result':
      return { type: 'tool_result', tool_use_id: block.toolUseId, content: block.content, is_error: block.isError };
  }
}

/**
 * The benchmarks' model: no time spent "thinking". The first round asks for last
 * month's sales (one tool call; by marketplace unless told otherwise), the next one answers; when the engine streams
 * (`onText`), the answer arrives as a few deltas before `complete` returns, long
 * enough that a Slack stream starts, appends and stops.
 */
import type { LlmClient, LlmRequest, LlmResponse } from '../../src/conversation/llm/llm-client.ts';
import { NO_USAGE } from '../../src/conversation/llm/llm-client.ts';

export const SCRIPTED_ANSWER_DELTAS = [
  'Here are your sales. ',
  'Last month, by marketplace: ',
  'Amazon brought in the most revenue, ',
  'Flipkart the most orders, ',
  'and Shopify the highest average order value. ',
  'Returns stayed close to one order in five on each of them; ',
  'the table below has the figures, the chart the revenue side by side.',
];

/** `by`: the breakdown asked for (a table and a chart come with one); none: the total alone. */
export const scriptedModel = (by: string | null = 'marketplace'): LlmClient => ({
  model: 'scripted',
  async complete(request: LlmRequest): Promise<LlmResponse> {
    const last = request.messages.at(-1);
    const answered = Array.isArray(last?.content) && last.content.some((b) => b.type === 'tool_result');
    if (answered) {
      for (const delta of SCRIPTED_ANSWER_DELTAS) request.onText?.(delta);
      return {
        content: [{ type: 'text', text: SCRIPTED_ANSWER_DELTAS.join('') }],
        stopReason: 'end_turn',
        usage: NO_USAGE,
      };
    }
    return {
      content: [
        {
          type: 'tool_use',
          id: `tu_${Math.random()}`,
          name: 'sales_summary',
          input: { period: { kind: 'named', name: 'last_month' }, ...(by ? { by } : {}) },
        },
      ],
      stopReason: 'tool_use',
      usage: NO_USAGE,
    };
  },
});

/**
 * One answer, whatever the channel: text, and the tables the tools produced (a
 * channel draws them its own way: Block Kit, WhatsApp text, the terminal).
 */
import type { ChartSpec } from './charts/chart.ts';
import type { ToolTable } from './tools/tool.ts';

export interface Reply {
  text: string;
  tables: ToolTable[];
  /** Charts to draw (renderChart) under the answer. */
  charts?: ChartSpec[];
  /** Answered by the built-in matcher, without the model. */
  limitedMode?: boolean;
  /** Links offered as buttons (Slack) or lines (WhatsApp, terminal), e.g. a marketplace's connect link. */
  actions?: { label: string; url: string }[];
  /** The answer as stored (chat_message id): what feedback on it is kept against. */
  messageId?: number;
}

export const textReply = (text: string): Reply => ({ text, tables: [] });

/**
 * One answer, whatever the channel: text, the tables the tools produced and links to
 * follow (a channel draws them its own way: Block Kit, WhatsApp text, the terminal).
 */
import type { NoticeKind } from '../db/enums.ts';
import type { ChartSpec } from './charts/chart.ts';
import type { ToolTable } from './tools/tool.ts';

/** A link the seller follows (connect, sign in again): a button where the channel has them. */
export interface ReplyAction {
  label: string;
  url: string;
}

/** Something to say next, one tap away: a button in Slack that sends `command` as if typed. */
export interface ReplyCommand {
  label: string;
  /** A command or a question, as the seller would type it. */
  command: string;
}

export interface Reply {
  text: string;
  tables: ToolTable[];
  /** Links under the text; the text need not repeat their URLs. */
  actions?: ReplyAction[];
  /** What to say next (Slack buttons; elsewhere the text names them). */
  commands?: ReplyCommand[];
  /** Charts to draw (renderChart) under the answer. */
  charts?: ChartSpec[];
  /** Charts drawn ahead (a digest from the outbox), in the order of `charts`: sent as they are. */
  chartImages?: Uint8Array[];
  /** A message ShopIQ sends unasked, and what it is (a channel may treat kinds apart: WhatsApp's templates). */
  notice?: NoticeKind;
  /** Answered by the built-in matcher, without the model. */
  limitedMode?: boolean;
  /** The answer as stored (chat_message id): what feedback on it is kept against. */
  messageId?: number;
}

export const textReply = (text: string): Reply => ({ text, tables: [] });

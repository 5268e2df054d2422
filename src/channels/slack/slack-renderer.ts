/**
 * A `Reply` as Slack shows it: the text in a `markdown` block (standard Markdown, up
 * to 12,000 characters), each table as a `table` block (never Markdown pipes; one
 * table a message, at most 100 rows with the header, the rest cut with a note), its
 * links as URL buttons (the notification text carries the URLs too), what to say next
 * as buttons that send it (`Reply.commands`), and thumbs
 * up/down feedback buttons under an answer that was stored.
 */
import type { KnownBlock } from '@slack/types';
import type { Reply, ReplyAction, ReplyCommand } from '../../conversation/reply.ts';
import type { ToolTable } from '../../conversation/tools/tool.ts';
import { moreRowsNote } from '../text-table.ts';

export const MARKDOWN_LIMIT = 12_000;
/** Rows of a table block, its header included. */
export const TABLE_ROW_LIMIT = 100;
const TABLE_COLUMN_LIMIT = 20;
/** The notification text of a message (what a phone's lock screen shows). */
const FALLBACK_LIMIT = 3000;
export const FEEDBACK_ACTION_ID = 'answer_feedback';
/** Buttons that send a command (`Reply.commands`) have action ids starting with this; the value is the command. */
export const COMMAND_ACTION_ID = 'reply_command';
/** Link buttons' action ids start with this (Slack still posts their clicks: acked, nothing else). */
export const LINK_ACTION_ID = 'open_link';
/** Slack's limits on a button's label and an actions block's elements. */
const BUTTON_LABEL_LIMIT = 75;
const ACTIONS_LIMIT = 25;

export interface SlackMessage {
  /** Plain text for notifications and clients without blocks. */
  text: string;
  blocks: KnownBlock[];
}

export interface RenderedReply {
  /** The answer: text, its first table and the feedback buttons. */
  main: SlackMessage;
  /** One message for each further table (Slack takes one table a message). */
  more: SlackMessage[];
}

export function renderReply(reply: Reply): RenderedReply {
  const rest = reply.tables.slice(1);
  return {
    main: {
      text: fallbackText(reply),
      blocks: [markdownBlock(reply.text), ...closingBlocks(reply)],
    },
    more: rest.map((table) => ({ text: table.title, blocks: tableBlocks(table) })),
  };
}

/** What follows streamed text when the stream stops: the first table, the links and the feedback buttons. */
export function closingBlocks(reply: Reply): KnownBlock[] {
  const first = reply.tables[0];
  return [
    ...(first ? tableBlocks(first) : []),
    ...(reply.actions?.length ? [linksBlock(reply.actions)] : []),
    ...(reply.commands?.length ? [commandsBlock(reply.commands)] : []),
    ...(reply.messageId ? [feedbackBlock(reply.messageId)] : []),
  ];
}

/** The text, then each link as "label: url" (what a notification or a client without blocks shows): links never cut. */
function fallbackText(reply: Reply): string {
  const links = (reply.actions ?? []).map((a) => `${a.label}: ${a.url}`).join('\n');
  if (!links) return cut(reply.text, FALLBACK_LIMIT);
  return `${cut(reply.text, Math.max(1, FALLBACK_LIMIT - links.length - 2))}\n\n${links}`;
}

/** URL buttons: Slack opens the link in the browser. */
export function linksBlock(actions: ReplyAction[]): KnownBlock {
  return {
    type: 'actions',
    elements: actions.slice(0, ACTIONS_LIMIT).map((a, i) => ({
      type: 'button',
      action_id: `${LINK_ACTION_ID}_${i}`,
      text: { type: 'plain_text', text: cut(a.label, BUTTON_LABEL_LIMIT) },
      url: a.url,
    })),
  };
}

/** Buttons that send a command or question into the seller's DM, as if typed. */
export function commandsBlock(commands: ReplyCommand[]): KnownBlock {
  return {
    type: 'actions',
    elements: commands.slice(0, ACTIONS_LIMIT).map((c, i) => ({
      type: 'button',
      action_id: `${COMMAND_ACTION_ID}_${i}`,
      text: { type: 'plain_text', text: cut(c.label, BUTTON_LABEL_LIMIT) },
      value: cut(c.command, 2000),
    })),
  };
}

export function markdownBlock(text: string): KnownBlock {
  return { type: 'markdown', text: cut(text, MARKDOWN_LIMIT) };
}

/** A title line, the table, and a note when rows were cut. */
export function tableBlocks(table: ToolTable): KnownBlock[] {
  const room = TABLE_ROW_LIMIT - 1;
  const rows = table.rows.slice(0, room);
  const cutRows = table.rows.length - rows.length;
  const columns = table.columns.slice(0, TABLE_COLUMN_LIMIT);
  const cell = (value: string | number | null) => ({
    type: 'raw_text' as const,
    text: value === null ? '–' : String(value),
  });
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || isNumeric(r[i])));
  return [
    { type: 'markdown', text: `**${table.title}**` },
    {
      type: 'table',
      column_settings: numeric.map((n) => ({ align: n ? ('right' as const) : ('left' as const) })),
      rows: [columns.map(cell), ...rows.map((r) => columns.map((_, i) => cell(r[i] ?? null)))],
    },
    ...(cutRows > 0
      ? [
          {
            type: 'markdown' as const,
            text: moreRowsNote(cutRows),
          },
        ]
      : []),
  ];
}

export function feedbackBlock(messageId: number): KnownBlock {
  return {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: FEEDBACK_ACTION_ID,
        positive_button: {
          text: { type: 'plain_text', text: 'Good answer' },
          accessibility_label: 'This answer was helpful',
          value: `up:${messageId}`,
        },
        negative_button: {
          text: { type: 'plain_text', text: 'Bad answer' },
          accessibility_label: 'This answer was not helpful',
          value: `down:${messageId}`,
        },
      },
    ],
  };
}

/** Figures as the tools and formatters write them: 1,234 · ₹41,38,850 · $10.5 · 12.5% · -3. */
function isNumeric(value: string | number | null | undefined): boolean {
  if (typeof value === 'number') return true;
  return typeof value === 'string' && /^[-+]?[^\d\s-]{0,4}\s?[\d,]+(\.\d+)?%?$/.test(value.trim());
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

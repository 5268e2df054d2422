/**
 * A `Reply` as WhatsApp shows it: the text in WhatsApp's own formatting, then each
 * table as short text that reads on a phone (a ``` block when its aligned lines fit the
 * screen, else one line a row; never Markdown pipes), its links as "label: url" lines
 * (WhatsApp makes them tappable), then the freshness note, all in
 * message bodies of at most 1,600 characters (Twilio's limit). Charts are handed back
 * as they are: the sender draws them and sends each as media.
 */
import type { ChartSpec } from '../../conversation/charts/chart.ts';
import { isFreshnessNote } from '../../conversation/freshness-gate.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { ToolTable } from '../../conversation/tools/tool.ts';
import { alignTable, cellText, figureLike, moreRowsNote } from '../text-table.ts';
import { splitMessage } from './split-message.ts';
import { toWhatsAppMarkdown } from './whatsapp-markdown.ts';

export { splitMessage } from './split-message.ts';

/** The most characters of one message body (Twilio). */
export const WHATSAPP_BODY_LIMIT = 1600;
/** The widest aligned table that fits a phone held upright, in a ``` block. */
export const MONOSPACE_WIDTH = 34;
/** Rows of a table shown; the rest are cut with a note. */
export const WHATSAPP_TABLE_ROWS = 20;

export interface WhatsAppRendering {
  /** Message bodies, in the order they are sent. */
  messages: string[];
  /** Charts to draw and send as media. */
  charts: ChartSpec[];
}

export function renderForWhatsApp(reply: Reply): WhatsAppRendering {
  // the freshness note closes the text; under WhatsApp's tables it still comes last
  const paragraphs = reply.text.trim().split(/\n[ \t]*\n/);
  const note = paragraphs.length > 0 && isFreshnessNote(paragraphs.at(-1) ?? '') ? paragraphs.pop() : undefined;
  const body = [
    toWhatsAppMarkdown(paragraphs.join('\n\n')),
    ...reply.tables.map(renderTable),
    (reply.actions ?? []).map((a) => `${a.label}: ${a.url}`).join('\n'),
    note && toWhatsAppMarkdown(note),
  ]
    .filter((part) => part?.trim())
    .join('\n\n');
  return { messages: splitMessage(body, WHATSAPP_BODY_LIMIT), charts: reply.charts ?? [] };
}

/** A bold title, the rows (the first 20) and a note when rows were cut. */
function renderTable(table: ToolTable): string {
  const rows = table.rows.slice(0, WHATSAPP_TABLE_ROWS);
  const cut = table.rows.length - rows.length;
  const aligned = alignTable({ columns: table.columns, rows });
  const lines =
    aligned.width <= MONOSPACE_WIDTH
      ? ['```', aligned.header, aligned.rule, ...aligned.rows, '```']
      : rowLines(table.columns, rows);
  return [`*${table.title.replace(/[*_~`]/g, '')}*`, ...lines, ...(cut > 0 ? [moreRowsNote(cut)] : [])].join('\n');
}

type CellKind = 'count' | 'money' | 'percent' | 'pair' | 'text';

/**
 * "*Amazon*: 168 orders · $16,666 · 4.8%": the first cell bold, then the others. A
 * count is nothing without its column's name; an amount or a rate is, unless the row
 * has two of its kind (revenue and average order); a word needs none, a date or a yes/no
 * does, and so does an empty cell.
 */
function rowLines(columns: string[], rows: ToolTable['rows']): string[] {
  const kinds = columns.map((_, i) => columnKind(rows.map((r) => r[i] ?? null)));
  const named = (value: string, i: number): string => {
    const header = columns[i] ?? '';
    if (value === '–') return `${header} –`;
    const kind = cellKind(value);
    // "1 order", "2 orders"
    if (kind === 'count') return `${value} ${value === '1' ? header.replace(/s$/, '') : header}`;
    if (kind === 'money' || kind === 'percent')
      return kinds.filter((k) => k === kind).length > 1 ? `${value} ${header}` : value;
    if (kind === 'pair' || /^(?:\d|yes$|no$)/i.test(value)) return `${header} ${value}`;
    return value;
  };
  return rows.map((row) => {
    const [label, ...cells] = columns.map((_, i) => cellText(row[i]));
    const rest = cells.map((value, i) => named(value, i + 1));
    return `*${(label ?? '').replace(/[*_~`]/g, '')}*${rest.length ? `: ${rest.join(' · ')}` : ''}`;
  });
}

function columnKind(cells: (string | number | null)[]): CellKind {
  const counts = new Map<CellKind, number>();
  for (const cell of cells) {
    if (cell !== null) counts.set(cellKind(String(cell)), (counts.get(cellKind(String(cell))) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'text';
}

function cellKind(cell: string): CellKind {
  if (!figureLike(cell)) return 'text';
  if (cell.includes(' / ')) return 'pair';
  if (cell.endsWith('%')) return 'percent';
  return /^[-+]?\d[\d,]*(?:\.\d+)?$/.test(cell) ? 'count' : 'money';
}

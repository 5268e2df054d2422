/**
 * Tables as aligned plain text, for channels that draw them in a fixed-width font (the
 * terminal, a WhatsApp ``` block): figures right-aligned, words left-aligned, a rule
 * under the header. Also what every channel says when a table is cut.
 */
import type { ToolTable } from '../conversation/tools/tool.ts';

export interface AlignedTable {
  header: string;
  rule: string;
  rows: string[];
  /** The longest line's length. */
  width: number;
}

/** A cell as text: an empty one is a dash. */
export const cellText = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '–' : String(value);

export function alignTable(table: Pick<ToolTable, 'columns' | 'rows'>, gap = 2): AlignedTable {
  const body = table.rows.map((r) => table.columns.map((_, i) => cellText(r[i])));
  const cells = [table.columns, ...body];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  // a column of figures reads right-aligned, its odd words ("out of stock") and header with it
  const right = table.columns.map(
    (_, i) => i > 0 && body.filter((row) => figureLike(row[i] ?? '')).length * 2 >= Math.max(1, body.length),
  );
  const separator = ' '.repeat(gap);
  const line = (row: string[]) =>
    row
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join(separator)
      .trimEnd();
  const header = line(table.columns);
  const rule = widths.map((w) => '─'.repeat(w)).join(separator);
  const rows = body.map(line);
  return { header, rule, rows, width: Math.max(header.length, rule.length, ...rows.map((r) => r.length)) };
}

/**
 * A count, amount or rate as the tools write them: "1,24,800", "₹41,38,850", "-$1,234.50",
 * "AED 1,200.00", "+12.5%", or two of them as "units / revenue".
 */
const FIGURE = /^[-+]?(?:[A-Z]{3} |\p{Sc})?\d[\d,]*(?:\.\d+)?%?$/u;
export const figureLike = (cell: string): boolean => cell.split(' / ').every((part) => FIGURE.test(part));

/** Under a table cut short: how many rows were left out and how to see fewer. */
export const moreRowsNote = (count: number): string =>
  `…and ${count} more row${count === 1 ? '' : 's'} not shown: ask for a shorter period or a narrower breakdown.`;

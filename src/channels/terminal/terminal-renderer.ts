/** A reply as plain text for a terminal: the answer, then each table with aligned columns. */
import type { Reply } from '../../conversation/reply.ts';
import type { ToolTable } from '../../conversation/tools/tool.ts';

export function renderForTerminal(reply: Reply): string {
  return [reply.text, ...reply.tables.map(renderTable)].join('\n\n');
}

function renderTable(table: ToolTable): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map((c) => (c === null ? '–' : String(c))))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === 0 || !/^-?[\d.,%]+$/.test(c) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    table.title,
    line(cells[0] as string[]),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

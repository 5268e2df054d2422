/**
 * A reply for a terminal: the answer, each table with aligned columns (figures to the
 * right), and each chart as a PNG file in `chartDir`, its path printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderChart } from '../../conversation/charts/chart-renderer.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { ToolTable } from '../../conversation/tools/tool.ts';

export async function renderForTerminal(reply: Reply, chartDir?: string): Promise<string> {
  const charts: string[] = [];
  if (chartDir) {
    for (const spec of reply.charts ?? []) {
      // an answer is printed whatever becomes of its chart
      const drawn = await renderChart(spec).catch(() => undefined);
      if (!drawn) {
        charts.push(`(The chart "${spec.title}" could not be drawn.)`);
        continue;
      }
      const { png } = drawn;
      mkdirSync(chartDir, { recursive: true });
      const file = path.join(
        chartDir,
        `chart-${new Date().toISOString().replace(/[:.]/g, '-')}-${charts.length + 1}.png`,
      );
      writeFileSync(file, png);
      charts.push(`Chart: ${file}`);
    }
  }
  return [reply.text, ...reply.tables.map(renderTable), ...charts].join('\n\n');
}

function renderTable(table: ToolTable): string {
  const body = table.rows.map((r) => r.map((c) => (c === null ? '–' : String(c))));
  const cells = [table.columns, ...body];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  // a column of figures reads right-aligned, its odd words ("out of stock") and header with it
  const right = table.columns.map(
    (_, i) => i > 0 && body.filter((row) => figureLike(row[i] ?? '')).length * 2 >= Math.max(1, body.length),
  );
  const line = (row: string[]) =>
    row
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [table.title, line(table.columns), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * A count, amount or rate as the tools write them: "1,24,800", "₹41,38,850", "-$1,234.50",
 * "AED 1,200.00", "+12.5%", or two of them as "units / revenue".
 */
const FIGURE = /^[-+]?(?:[A-Z]{3} |\p{Sc})?\d[\d,]*(?:\.\d+)?%?$/u;
const figureLike = (cell: string) => cell.split(' / ').every((part) => FIGURE.test(part));

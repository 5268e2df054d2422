/**
 * A reply for a terminal: the answer, each table with aligned columns, and each chart
 * as a PNG file in `chartDir`, its path printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderChart } from '../../conversation/charts/chart.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { ToolTable } from '../../conversation/tools/tool.ts';

export async function renderForTerminal(reply: Reply, chartDir?: string): Promise<string> {
  const charts: string[] = [];
  if (chartDir) {
    for (const spec of reply.charts ?? []) {
      const { png } = await renderChart(spec);
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

/**
 * A reply for a terminal: the answer, each table with aligned columns (figures to the
 * right), each link's URL on a line of its own (terminals make it clickable, and it
 * copies whole), and each chart as a PNG file in `chartDir`, its path printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chartPng } from '../../conversation/charts/chart-renderer.ts';
import type { Reply } from '../../conversation/reply.ts';
import type { ToolTable } from '../../conversation/tools/tool.ts';
import { alignTable } from '../text-table.ts';

export async function renderForTerminal(reply: Reply, chartDir?: string): Promise<string> {
  const charts: string[] = [];
  if (chartDir) {
    for (const [i, spec] of (reply.charts ?? []).entries()) {
      // an answer is printed whatever becomes of its chart
      const png = await chartPng(reply, i).catch(() => undefined);
      if (!png) {
        charts.push(`(The chart "${spec.title}" could not be drawn.)`);
        continue;
      }
      mkdirSync(chartDir, { recursive: true });
      const file = path.join(
        chartDir,
        `chart-${new Date().toISOString().replace(/[:.]/g, '-')}-${charts.length + 1}.png`,
      );
      writeFileSync(file, png);
      charts.push(`Chart: ${file}`);
    }
  }
  const links = (reply.actions ?? []).map((a) => `${a.label}:\n${a.url}`);
  return [reply.text, ...reply.tables.map(renderTable), ...links, ...charts].join('\n\n');
}

function renderTable(table: ToolTable): string {
  const { header, rule, rows } = alignTable(table);
  return [table.title, header, rule, ...rows].join('\n');
}

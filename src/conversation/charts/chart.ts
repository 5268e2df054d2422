/**
 * Charts under an answer: a small spec the tools fill (bar or line, one measure,
 * optionally one series field), compiled with Vega-Lite, drawn to SVG by Vega
 * (headless: no DOM, no canvas) and to PNG by resvg. Channels send the PNG (Slack,
 * WhatsApp) or save it (terminal).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ChartSpec {
  kind: 'bar' | 'line';
  title: string;
  x: { field: string; title: string; type: 'nominal' | 'ordinal' | 'temporal' };
  y: { field: string; title: string };
  /** Colours and, for bars, groups side by side. */
  series?: { field: string; title: string };
  data: Record<string, string | number | null>[];
}

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

export async function renderChart(spec: ChartSpec): Promise<RenderedChart> {
  const color = spec.series
    ? { field: spec.series.field, type: 'nominal' as const, title: spec.series.title }
    : undefined;
  const lite: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: spec.title,
    width: 480,
    height: 240,
    background: 'white',
    data: { values: spec.data },
    mark: spec.kind === 'bar' ? { type: 'bar', tooltip: false } : { type: 'line', point: true },
    encoding: {
      x: {
        field: spec.x.field,
        type: spec.x.type,
        title: spec.x.title,
        sort: null,
        axis: { labelAngle: -30, labelLimit: 140 },
      },
      y: { field: spec.y.field, type: 'quantitative', title: spec.y.title },
      ...(color ? { color } : {}),
      ...(color && spec.kind === 'bar' ? { xOffset: { field: color.field } } : {}),
    },
    config: { font: 'sans-serif' },
  };
  const view = new vega.View(vega.parse(compile(lite).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      font: { loadSystemFonts: true, defaultFontFamily: 'sans-serif' },
      fitTo: { mode: 'zoom', value: 2 },
    })
      .render()
      .asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

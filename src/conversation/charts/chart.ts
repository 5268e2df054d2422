/**
 * Charts under an answer: a small spec the tools fill (bar or line, one measure,
 * optionally one series field), compiled with Vega-Lite, drawn to SVG by Vega
 * (headless: no DOM, no canvas) and to PNG by resvg. Channels send the PNG (Slack,
 * WhatsApp) or save it (terminal).
 *
 * Drawn to be read on a phone: bars lie down when their names are long (product
 * titles), names are shortened at a word with an ellipsis rather than cut by Vega,
 * marketplaces go by their names in their own colours, in a sans-serif face the machine
 * has (chart-font.ts).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { MARKETPLACE_NAMES, marketplaceName } from '../format/labels.ts';
import { sansSerifFont } from './chart-font.ts';

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

/** Each marketplace's own colour (its logo's), by name. */
const BRAND_COLOURS: Record<string, string> = {
  [MARKETPLACE_NAMES.shopify]: '#95BF47',
  [MARKETPLACE_NAMES.flipkart]: '#2874F0',
  [MARKETPLACE_NAMES.amazon]: '#FF9900',
};
/** Longest name drawn in full; longer ones end at a word, with an ellipsis. */
const MAX_LABEL = 28;
/** From this long a name, or this many bars, the bars lie down with their names beside them. */
const LONG_LABEL = 12;
const MANY_BARS = 8;

/** Draws a chart here, on this thread (about 0.1 s of CPU): channels call `renderChart` (chart-renderer.ts), which draws off the event loop. */
export async function drawChart(spec: ChartSpec): Promise<RenderedChart> {
  const data = readableData(spec);
  const names = [...new Set(data.map((d) => String(d[spec.x.field] ?? '')))];
  const lying =
    spec.kind === 'bar' &&
    spec.x.type !== 'temporal' &&
    (names.some((n) => n.length > LONG_LABEL) || names.length > MANY_BARS);
  const colour = colourOf(spec, data);
  const category = {
    field: spec.x.field,
    type: spec.x.type,
    title: lying ? null : spec.x.title,
    sort: null,
    // names that would run into each other under the chart are slanted
    axis: { labelLimit: 320, labelAngle: lying || fitsAcross(names) ? 0 : -45 },
  };
  const measure = { field: spec.y.field, type: 'quantitative' as const, title: spec.y.title };
  const grouped = spec.series && spec.kind === 'bar' ? { field: spec.series.field } : undefined;
  const { family: font, files } = sansSerifFont();
  const lite: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: spec.title,
    width: 480,
    height: lying ? { step: grouped ? 12 * seriesCount(spec, data) + 8 : 26 } : 260,
    background: 'white',
    data: { values: data },
    mark: spec.kind === 'bar' ? { type: 'bar', tooltip: false } : { type: 'line', point: true },
    encoding: {
      ...(lying ? { y: category, x: measure } : { x: category, y: measure }),
      ...(colour ? { color: colour } : {}),
      ...(grouped ? { [lying ? 'yOffset' : 'xOffset']: grouped } : {}),
    },
    config: {
      font: 'sans-serif',
      title: { fontSize: 16, anchor: 'start', offset: 12 },
      axis: { labelFontSize: 13, titleFontSize: 13 },
      legend: { labelFontSize: 13, titleFontSize: 13, orient: 'bottom' },
    },
  };
  const view = new vega.View(vega.parse(compile(lite).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      font: {
        ...(files.length ? { fontFiles: files, loadSystemFonts: false } : { loadSystemFonts: true }),
        ...(font ? { defaultFontFamily: font, sansSerifFamily: font } : {}),
      },
      fitTo: { mode: 'zoom', value: 2 },
    })
      .render()
      .asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

/** The data with marketplaces by name and the category names short enough to read whole. */
function readableData(spec: ChartSpec): ChartSpec['data'] {
  const named = spec.data.map((d) => {
    const row = { ...d };
    for (const field of [spec.x.field, spec.series?.field]) {
      const value = field === undefined ? undefined : row[field];
      if (field !== undefined && typeof value === 'string') row[field] = marketplaceName(value);
    }
    return row;
  });
  if (spec.x.type === 'temporal') return named;
  const short = shortNames(named.map((d) => String(d[spec.x.field] ?? '')));
  return named.map((d) => ({ ...d, [spec.x.field]: short.get(String(d[spec.x.field] ?? '')) ?? null }));
}

/**
 * Each name as drawn: whole up to MAX_LABEL characters, else cut at the last word that
 * fits, with an ellipsis; two names that would read the same keep a number apart.
 */
function shortNames(names: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Map<string, number>();
  for (const name of new Set(names)) {
    let short = name;
    if (name.length > MAX_LABEL) {
      const space = name.slice(0, MAX_LABEL + 1).lastIndexOf(' ');
      // a single word longer than the limit has to be cut inside it
      const cut = space > MAX_LABEL / 2 ? name.slice(0, space) : name.slice(0, MAX_LABEL - 1);
      short = `${cut.replace(/(?:[\s,;:&–-]+|\s+(?:a|an|and|for|in|of|on|the|to|with))+$/i, '')}…`;
    }
    const seen = taken.get(short) ?? 0;
    taken.set(short, seen + 1);
    out.set(name, seen ? `${short} (${seen + 1})` : short);
  }
  return out;
}

/** The names side by side under a 480-pixel chart, at about 8 pixels a character. */
function fitsAcross(names: string[]): boolean {
  return Math.max(0, ...names.map((n) => n.length)) * 8 + 8 <= 480 / Math.max(1, names.length);
}

function seriesCount(spec: ChartSpec, data: ChartSpec['data']): number {
  return new Set(data.map((d) => d[spec.series?.field ?? ''])).size || 1;
}

/** A colour encoding: marketplaces in their own colours (by bar when the bars are marketplaces), else Vega's. */
function colourOf(spec: ChartSpec, data: ChartSpec['data']) {
  const field = spec.series?.field ?? (spec.kind === 'bar' ? spec.x.field : undefined);
  if (!field) return undefined;
  const values = [...new Set(data.map((d) => String(d[field])))];
  const brand = values.every((v) => v in BRAND_COLOURS);
  if (!spec.series && !brand) return undefined;
  return {
    field,
    type: 'nominal' as const,
    title: spec.series?.title ?? null,
    ...(brand ? { scale: { domain: values, range: values.map((v) => BRAND_COLOURS[v] as string) } } : {}),
    ...(spec.series ? {} : { legend: null }),
  };
}

import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/conversation/charts/chart.ts';

describe('charts', () => {
  it('draws a grouped bar chart to SVG and PNG', async () => {
    const { svg, png } = await renderChart({
      kind: 'bar',
      title: 'Units by product and marketplace',
      x: { field: 'product', title: 'product', type: 'nominal' },
      y: { field: 'units', title: 'units' },
      series: { field: 'marketplace', title: 'marketplace' },
      data: [
        { product: 'Brass lamp', marketplace: 'shopify', units: 29 },
        { product: 'Brass lamp', marketplace: 'flipkart', units: 11 },
        { product: 'Silk saree', marketplace: 'shopify', units: 17 },
      ],
    });
    expect(svg).toContain('Units by product and marketplace');
    expect(svg.match(/class="mark-rect/g)?.length).toBe(1); // one group of three bars
    expect((svg.match(/<path [^>]*d="M[^"]+"/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(900); // width: drawn at twice the 480-pixel spec plus axes
  });

  it('draws a line chart over time', async () => {
    const { svg } = await renderChart({
      kind: 'line',
      title: 'Revenue by month',
      x: { field: 'month', title: 'month', type: 'ordinal' },
      y: { field: 'revenue', title: 'revenue (USD)' },
      data: [
        { month: '2026-09', revenue: 1200.5 },
        { month: '2026-10', revenue: 1830.25 },
      ],
    });
    expect(svg).toContain('class="mark-line');
    expect(svg).toContain('2026-10');
  });
});

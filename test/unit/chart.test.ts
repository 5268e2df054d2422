import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { drawChart } from '../../src/conversation/charts/chart.ts';
import { sansSerifFamily } from '../../src/conversation/charts/chart-font.ts';

describe('charts', () => {
  it('draws a grouped bar chart to SVG and PNG, marketplaces by name in their own colours', async () => {
    const { svg, png } = await drawChart({
      kind: 'bar',
      title: 'Units by product and marketplace',
      x: { field: 'product', title: 'product', type: 'nominal' },
      y: { field: 'units', title: 'units' },
      series: { field: 'marketplace', title: 'marketplace' },
      data: [
        { product: 'Brass lamp', marketplace: 'shopify', units: 29 },
        { product: 'Brass lamp', marketplace: 'flipkart', units: 11 },
        { product: 'Silk saree', marketplace: 'amazon', units: 17 },
      ],
    });
    expect(svg).toContain('Units by product and marketplace');
    expect(svg.match(/class="mark-rect/g)?.length).toBe(1); // one group of three bars
    expect((svg.match(/<path [^>]*d="M[^"]+"/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(svg).toContain("legend titled 'marketplace' for fill color with 3 values: Shopify, Flipkart, Amazon");
    expect(svg).toContain('marketplace: Shopify" role="graphics-symbol" aria-roledescription="bar"');
    for (const colour of ['#95BF47', '#2874F0', '#FF9900']) expect(svg).toContain(`fill="${colour}"`);
    // short names stand upright under their bars
    expect(svg).toContain("X-axis titled 'product' for a discrete scale");
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(900); // width: drawn at twice the 480-pixel spec plus axes
  });

  it('lays bars down for long product titles, shortened at a word with an ellipsis', async () => {
    const { svg } = await drawChart({
      kind: 'bar',
      title: 'Units by product',
      x: { field: 'product', title: 'product', type: 'nominal' },
      y: { field: 'units', title: 'units' },
      data: [
        { product: 'Handwoven Jute Area Rug with Cotton Fringe, 5x8 ft', units: 29 },
        { product: 'Banarasi silk saree in royal blue with golden zari border', units: 40 },
        { product: 'Brass table lamp', units: 7 },
        { product: 'Supercalifragilisticexpialidocious-organiser', units: 3 },
      ],
    });
    expect(svg).toContain("X-axis titled 'units'");
    expect(svg).toContain(
      'Y-axis for a discrete scale with 4 values: Handwoven Jute Area Rug…, Banarasi silk saree in royal…, Brass table lamp, Supercalifragilisticexpiali…',
    );
    expect(svg).not.toContain('Fringe');
  });

  it('colours bars that are marketplaces by marketplace, without a legend', async () => {
    const { svg } = await drawChart({
      kind: 'bar',
      title: 'Revenue by marketplace',
      x: { field: 'marketplace', title: 'marketplace', type: 'ordinal' },
      y: { field: 'revenue', title: 'revenue (INR)' },
      data: [
        { marketplace: 'Flipkart', revenue: 4138850 },
        { marketplace: 'amazon', revenue: 1234567 },
      ],
    });
    expect(svg).toContain('values: Flipkart, Amazon');
    expect(svg).toContain('fill="#2874F0"');
    expect(svg).toContain('fill="#FF9900"');
    expect(svg).not.toContain('legend');
  });

  it('draws a line chart over time, slanting names that would run into each other', async () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const { svg } = await drawChart({
      kind: 'line',
      title: 'Revenue by month',
      x: { field: 'month', title: 'month', type: 'ordinal' },
      y: { field: 'revenue', title: 'revenue (USD)' },
      data: months.map((m, i) => ({ month: `${m} 2026`, revenue: 1200.5 + i })),
    });
    expect(svg).toContain('class="mark-line');
    expect(svg).toContain('Oct 2026');
    expect(svg).toMatch(/rotate\(315\)|rotate\(-45\)/);
  });

  it('writes in a sans-serif face this machine has', () => {
    const family = sansSerifFamily();
    // this Debian image has DejaVu only; any of the listed families will do elsewhere
    expect(family).toBeDefined();
    const text = (font: Record<string, unknown>) =>
      new Resvg(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="2" y="22" font-family="sans-serif" font-size="18">Flipkart</text></svg>',
        { font: { loadSystemFonts: true, ...font } },
      )
        .render()
        .asPng();
    // drawn in that family, not in the serif face resvg falls back to for "sans-serif"
    expect(text({ defaultFontFamily: family, sansSerifFamily: family }).equals(text({}))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { renderForTerminal } from '../../src/channels/terminal/terminal-renderer.ts';

describe('tables in the terminal', () => {
  it('right-aligns columns of formatted figures, whatever their currency sign, and left-aligns words', async () => {
    const text = await renderForTerminal({
      text: 'Sales',
      tables: [
        {
          title: 'Sales by marketplace',
          columns: ['marketplace', 'orders', 'revenue', 'avg order', 'change', 'cover'],
          rows: [
            ['Flipkart', '1,24,800', '₹41,38,850', '₹331.64', '+12.5%', 'out of stock'],
            ['Shopify', '12', '$1,234.50', null, '-3.0%', '30'],
            ['Amazon', '7', 'AED 1,200.00', 'AED 171.43', '0.0%', '9'],
          ],
        },
      ],
    });
    const [, , title, header, rule, ...rows] = text.split('\n');
    expect(title).toBe('Sales by marketplace');
    expect(rule).toMatch(/^─+ +─+/);
    expect(header).toBe('marketplace    orders       revenue   avg order  change         cover');
    expect(rows).toEqual([
      'Flipkart     1,24,800    ₹41,38,850     ₹331.64  +12.5%  out of stock',
      'Shopify            12     $1,234.50           –   -3.0%            30',
      'Amazon              7  AED 1,200.00  AED 171.43    0.0%             9',
    ]);
  });

  it('keeps text columns, and "units / revenue" pairs, in their own alignment', async () => {
    const text = await renderForTerminal({
      text: '',
      tables: [
        {
          title: 'Products',
          columns: ['product', 'sku', 'Shopify'],
          rows: [
            ['Brass lamp', 'LAMP', '2 / ₹4,400.00'],
            ['Jute rug', 'RUG-LONG', '11 / ₹29,040'],
          ],
        },
      ],
    });
    expect(text.split('\n').slice(-2)).toEqual([
      'Brass lamp  LAMP      2 / ₹4,400.00',
      'Jute rug    RUG-LONG   11 / ₹29,040',
    ]);
  });

  it('prints a link’s URL on a line of its own under its label', async () => {
    const url = 'https://shopiq.example.com/oauth/flipkart/start?ticket=xyz';
    const text = await renderForTerminal({ text: 'Connect Flipkart:', tables: [], actions: [{ label: 'Open', url }] });
    expect(text.split('\n')).toEqual(['Connect Flipkart:', '', 'Open:', url]);
  });
});

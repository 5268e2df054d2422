/**
 * A reply as WhatsApp messages: WhatsApp's own formatting, tables as short text that
 * reads on a phone (never pipes), cut at 20 rows, bodies of at most 1,600 characters
 * split where a reader would pause, the freshness note last.
 */
import { describe, expect, it } from 'vitest';
import { renderForWhatsApp, splitMessage, WHATSAPP_BODY_LIMIT } from '../../src/channels/whatsapp/whatsapp-renderer.ts';
import type { ChartSpec } from '../../src/conversation/charts/chart.ts';
import type { Reply } from '../../src/conversation/reply.ts';

const text = (markdown: string) => renderForWhatsApp({ text: markdown, tables: [] }).messages.join('\n');
const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('WhatsApp formatting', () => {
  it('turns Markdown emphasis, strike, headings and links into WhatsApp’s', () => {
    expect(text('**Revenue** rose *12%*, __orders__ _too_; ~~old~~ gone')).toBe(
      '*Revenue* rose _12%_, *orders* _too_; ~old~ gone',
    );
    expect(text('***Both*** at once')).toBe('*_Both_* at once');
    expect(text('# Sales **this** month\n\n## Top *five* ##')).toBe('*Sales this month*\n\n*Top _five_*');
    expect(text('See [the dashboard](https://admin.shopify.com/store/a_b) or <https://x.io/y>')).toBe(
      'See the dashboard (https://admin.shopify.com/store/a_b) or https://x.io/y',
    );
  });

  it('keeps bullets as "- ", numbered lists and quotes as they are, and inline code untouched', () => {
    expect(text('- one\n* two **b**\n+ three\n  - nested\n1. first\n2. second\n> quoted *it*')).toBe(
      '- one\n- two *b*\n- three\n  - nested\n1. first\n2. second\n> quoted _it_',
    );
    expect(text('Ask `top_products` or `**raw**`')).toBe('Ask `top_products` or `**raw**`');
  });

  it('leaves a * or _ inside words, numbers and URLs alone', () => {
    const plain = '2*3*4 units, 5 * 3 * 2, a*b*c, snake_case_name and https://x.com/a_b_c*d*';
    expect(text(plain)).toBe(plain);
    expect(text('**Revenue**: ₹41,38,850 (**+12%**)')).toBe('*Revenue*: ₹41,38,850 (*+12%*)');
  });

  it('opens a code block bare (no language tag) and converts nothing inside it', () => {
    expect(text('Run:\n```sql\nselect **x** from t_1_;\n```')).toBe('Run:\n```\nselect **x** from t_1_;\n```');
  });
});

const sales = {
  title: 'Sales by marketplace',
  columns: ['marketplace', 'orders', 'revenue'],
  rows: [
    ['Amazon', '168', '$16,666'],
    ['Flipkart', '1,24,800', '₹41,38,850'],
    ['Shopify', 12, null],
  ],
};

describe('WhatsApp tables', () => {
  it('draws a narrow table in a monospace block under its bold title, figures right-aligned', () => {
    const [message] = renderForWhatsApp({ text: 'Your sales:', tables: [sales] }).messages;
    expect(message).toBe(
      [
        'Your sales:',
        '',
        '*Sales by marketplace*',
        '```',
        'marketplace    orders     revenue',
        '───────────  ────────  ──────────',
        'Amazon            168     $16,666',
        'Flipkart     1,24,800  ₹41,38,850',
        'Shopify            12           –',
        '```',
      ].join('\n'),
    );
  });

  it('writes a wide table one line a row, naming counts and amounts of the same kind, never with pipes', () => {
    const { messages } = renderForWhatsApp({
      text: 'Compared:',
      tables: [
        {
          title: 'By marketplace',
          columns: ['marketplace', 'orders', 'revenue', 'return rate'],
          rows: [
            ['Amazon', '168', '$16,666', '4.8%'],
            ['Flipkart', '1,204', '₹4,13,850', '12.5%'],
          ],
        },
        {
          title: 'This month',
          columns: ['marketplace', 'orders', 'revenue', 'avg order', 'return rate'],
          rows: [
            ['Shopify', '12', '$1,234.50', null, '0.0%'],
            ['Amazon', '3', '$300', '$100', '33.3%'],
          ],
        },
      ],
    });
    expect(messages).toEqual([
      [
        'Compared:',
        '',
        '*By marketplace*',
        '*Amazon*: 168 orders · $16,666 · 4.8%',
        '*Flipkart*: 1,204 orders · ₹4,13,850 · 12.5%',
        '',
        '*This month*',
        '*Shopify*: 12 orders · $1,234.50 revenue · avg order – · 0.0%',
        '*Amazon*: 3 orders · $300 revenue · $100 avg order · 33.3%',
      ].join('\n'),
    ]);
    expect(messages.join()).not.toContain('|');
  });

  it('shows the first 20 of 25 rows and says how to see fewer', () => {
    const rows = Array.from({ length: 25 }, (_, i) => [`2026-11-${String(i + 1).padStart(2, '0')}`, i, `$${i}`]);
    const [message = ''] = renderForWhatsApp({
      text: '',
      tables: [{ title: 'Sales by day', columns: ['day', 'orders', 'revenue'], rows }],
    }).messages;
    const lines = message.split('\n');
    expect(lines.filter((l) => l.startsWith('2026-11-'))).toHaveLength(20);
    expect(lines).toContain('2026-11-20      19      $19');
    expect(message).not.toContain('2026-11-21');
    expect(lines.at(-1)).toBe('…and 5 more rows not shown: ask for a shorter period or a narrower breakdown.');
  });

  it('keeps the freshness note last, after the tables, and hands the charts back', () => {
    const chart: ChartSpec = {
      kind: 'bar',
      title: 'Revenue',
      x: { field: 'm', title: 'm', type: 'nominal' },
      y: { field: 'r', title: 'r' },
      data: [{ m: 'Amazon', r: 16666 }],
    };
    const reply: Reply = {
      text: `Your **sales**:\n\n${'Amazon led the month. '.repeat(80)}\n\nData: Shopify as of 2026-11-30 09:30 (Asia/Kolkata).`,
      tables: [sales],
      charts: [chart],
    };
    const { messages, charts } = renderForWhatsApp(reply);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages[0]).toMatch(/^Your \*sales\*:/);
    expect(messages.at(-1)).toMatch(/```\n\nData: Shopify as of 2026-11-30 09:30 \(Asia\/Kolkata\)\.$/);
    expect(charts).toEqual([chart]);
  });
});

describe('links on WhatsApp', () => {
  it('writes each link as "label: url" after the text and before the freshness note, the URL untouched', () => {
    const url = 'https://shopiq.example.com/oauth/shopify/start?ticket=a_b*c';
    const { messages } = renderForWhatsApp({
      text: 'Connect your **store**.\n\nData: Shopify as of 2026-11-30 09:30 (Asia/Kolkata).',
      tables: [],
      actions: [{ label: 'Connect Shopify', url }],
    });
    expect(messages).toEqual([
      `Connect your *store*.\n\nConnect Shopify: ${url}\n\nData: Shopify as of 2026-11-30 09:30 (Asia/Kolkata).`,
    ]);
  });
});

describe('splitting a long answer', () => {
  it('cuts 4,000 characters at paragraph, then line, then word boundaries, in order, losing nothing', () => {
    const intro = `In short: ${'your sales rose. '.repeat(40)}`.trim();
    const list = Array.from({ length: 50 }, (_, i) => `- line ${String(i).padStart(2, '0')} of a list that runs on`);
    const sentence = `One sentence without a break: ${'word '.repeat(330)}`.trim();
    const input = [intro, list.join('\n'), sentence].join('\n\n');
    expect(input.length).toBeGreaterThanOrEqual(4000);

    const parts = splitMessage(input, WHATSAPP_BODY_LIMIT);
    expect(parts.every((p) => p.length <= WHATSAPP_BODY_LIMIT)).toBe(true);
    expect(words(parts.join('\n'))).toEqual(words(input));
    // the paragraph first, the list between two of its lines, the sentence between words
    expect(parts[0]).toBe(intro);
    expect(parts[1]).toMatch(/^- line 00 .* runs on$/s);
    expect(`${parts[1]}\n${parts[2]}`).toBe(list.join('\n'));
    expect(parts[3]).toMatch(/^One sentence .* word$/);
    expect(parts.slice(3).join(' ')).toBe(sentence);
  });

  it('cuts a long code block between lines, closing it and opening it again', () => {
    const code = Array.from({ length: 80 }, (_, i) => `row ${String(i).padStart(2, '0')} ${'x'.repeat(20)}`);
    const input = `Before.\n\n\`\`\`\n${code.join('\n')}\n\`\`\`\n\nAfter.`;
    const parts = splitMessage(input, 1000);
    expect(parts[0]).toBe('Before.');
    for (const part of parts.slice(1)) {
      expect(part.length).toBeLessThanOrEqual(1000);
      expect(part.startsWith('```\n')).toBe(true);
      expect(part.match(/```/g)).toHaveLength(2);
    }
    expect(parts.at(-1)?.endsWith('```\n\nAfter.')).toBe(true);
    const inside = parts.slice(1).flatMap((p) => p.split('\n').filter((l) => l.startsWith('row ')));
    expect(inside).toEqual(code);
  });

  it('leaves a message that fits alone', () => {
    expect(splitMessage('Short answer.', WHATSAPP_BODY_LIMIT)).toEqual(['Short answer.']);
  });
});

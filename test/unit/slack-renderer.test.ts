/**
 * A reply as Slack blocks: the text in a markdown block, tables as `table` blocks
 * (never Markdown pipes) cut at Slack's 100 rows with a note, figures right-aligned,
 * one table a message, feedback buttons carrying the stored answer's id.
 */
import { describe, expect, it } from 'vitest';
import { renderReply, TABLE_ROW_LIMIT } from '../../src/channels/slack/slack-renderer.ts';
import type { Reply } from '../../src/conversation/reply.ts';

const table = (rows: number) => ({
  title: 'Sales by day',
  columns: ['day', 'orders', 'revenue'],
  rows: Array.from({ length: rows }, (_, i) => [`2026-11-${i + 1}`, i, `₹${(i * 1000).toLocaleString('en-IN')}`]),
});

describe('Slack rendering', () => {
  it('draws the text, the first table and the feedback buttons; further tables go in their own messages', () => {
    const reply: Reply = { text: 'Your sales:', tables: [table(3), table(2)], messageId: 42 };
    const { main, more } = renderReply(reply);
    expect(main.blocks.map((b) => b.type)).toEqual(['markdown', 'markdown', 'table', 'context_actions']);
    expect(main.text).toBe('Your sales:');
    expect(more).toHaveLength(1);
    expect(more[0]?.blocks.map((b) => b.type)).toEqual(['markdown', 'table']);
    const grid = main.blocks.find((b) => b.type === 'table') as any;
    expect(grid.rows[0].map((c: any) => c.text)).toEqual(['day', 'orders', 'revenue']);
    expect(grid.column_settings.map((c: any) => c.align)).toEqual(['left', 'right', 'right']);
    const feedback = main.blocks.at(-1) as any;
    expect(feedback.elements[0].positive_button.value).toBe('up:42');
    expect(feedback.elements[0].negative_button.value).toBe('down:42');
    expect(JSON.stringify(main)).not.toMatch(/\|---/);
  });

  it('cuts a table at 100 rows (the header counted) and says how many were left out', () => {
    const { main } = renderReply({ text: 'Every day:', tables: [table(250)] });
    const grid = main.blocks.find((b) => b.type === 'table') as any;
    expect(grid.rows).toHaveLength(TABLE_ROW_LIMIT);
    expect((main.blocks.at(-1) as any).text).toBe(
      '…and 151 more rows not shown: ask for a shorter period or a narrower breakdown.',
    );
  });

  it('gives no feedback buttons to a reply that was not stored (commands, onboarding)', () => {
    const { main } = renderReply({ text: 'Your timezone is UTC.', tables: [] });
    expect(main.blocks.map((b) => b.type)).toEqual(['markdown']);
  });

  it('draws links as URL buttons above the feedback, their URLs in the notification text too', () => {
    const url = 'https://shopiq.example.com/oauth/shopify/start?ticket=abc_DEF-123';
    const reply: Reply = {
      text: 'Your Shopify connection needs you to sign in again.',
      tables: [],
      actions: [{ label: 'Sign in to Shopify again', url }],
      messageId: 7,
    };
    const { main } = renderReply(reply);
    expect(main.blocks.map((b) => b.type)).toEqual(['markdown', 'actions', 'context_actions']);
    const button = (main.blocks[1] as any).elements[0];
    expect(button).toMatchObject({ type: 'button', action_id: 'open_link_0', url });
    expect(button.text.text).toBe('Sign in to Shopify again');
    expect(main.text).toBe(`Your Shopify connection needs you to sign in again.\n\nSign in to Shopify again: ${url}`);
  });
});

/**
 * Answers without the model (no ANTHROPIC_API_KEY, or the seller's daily budget is
 * spent): the common questions, in their usual phrasings, are matched to the same
 * tools the model uses and their results written out plainly. Anything else gets an
 * answer saying what can be asked.
 */

import type { PeriodSpec } from '../analytics/period.ts';
import { parsePeriodText } from '../analytics/period-text.ts';
import { compareDecimal } from '../currency/decimal.ts';
import { MARKETPLACES, type Marketplace } from '../db/enums.ts';
import { percent } from './tools/tool.ts';

// biome-ignore lint/suspicious/noExplicitAny: tool results are read loosely, for wording only
type Json = Record<string, any>;

export interface Intent {
  tool: string;
  input: Record<string, unknown>;
  /** The tool's result as a sentence or two. */
  describe(result: Json): string;
}

export const LIMITED_MODE_EXAMPLES = [
  'What were my total sales last month?',
  'Which product sells best on Flipkart vs Shopify?',
  'Show me my return rate by marketplace',
  'Should I list <product> on Amazon?',
  'How long will my stock last?',
  'This month vs last month',
];

export function matchIntent(text: string): Intent | undefined {
  const t = text.toLowerCase();
  const marketplaces = MARKETPLACES.filter((m) => t.includes(m));
  const stated = parsePeriodText(t);
  const period: PeriodSpec = stated ?? { kind: 'last_days', days: 30 };
  const scoped = marketplaces.length ? { marketplaces } : {};

  const listing = /\bshould i (?:list|sell|launch|put)\s+(.+?)\s+(?:on|in)\s+(shopify|flipkart|amazon)\b/.exec(t);
  const about = /\b(?:how (?:is|are|'s)|performance of|tell me about)\s+(.+?)(?:\s+doing|\s+selling|\?|$)/.exec(t);
  if (listing || (about && !/\b(sales|business|store|shop)\b/.test(about[1] ?? ''))) {
    const product = (listing?.[1] ?? about?.[1] ?? '').replace(/^(my|the|our)\s+/, '').trim();
    if (product) {
      return {
        tool: 'product_performance',
        input: { product, ...(stated ? { period } : {}) },
        describe: (r) => describeProduct(r, listing?.[2] as Marketplace | undefined),
      };
    }
  }
  if (/\breturn(s|ed)?\b|\brefund/.test(t)) {
    const by = /\b(product|sku|item)s?\b/.test(t)
      ? 'product'
      : /\bmonth(ly)?\b|\btrend\b/.test(t)
        ? 'month'
        : 'marketplace';
    return { tool: 'return_rate', input: { period, by, ...scoped }, describe: describeReturns };
  }
  if (/\b(stock|inventory|run out|days of cover)\b/.test(t)) {
    return { tool: 'inventory_status', input: { ...scoped }, describe: describeStock };
  }
  if (/\b(best|top|most popular|best-selling|bestselling)\b/.test(t) && /\b(product|item|sku|sell)/.test(t)) {
    const byUnits = /\b(units|quantity|volume)\b/.test(t);
    if (marketplaces.length >= 2 || /\bvs\.?\b|\bversus\b|\bcompared?\b/.test(t)) {
      return {
        tool: 'compare_product_marketplaces',
        input: { period, ...scoped, ...(byUnits ? { rank_by: 'units' } : {}) },
        describe: (r) => describeComparison(r, marketplaces),
      };
    }
    return {
      tool: 'top_products',
      input: {
        period,
        per_marketplace: marketplaces.length === 0,
        limit: 3,
        ...scoped,
        ...(byUnits ? { rank_by: 'units' } : {}),
      },
      describe: describeTop,
    };
  }
  if (/\bvs\.?\b|\bversus\b|\bcompared? (to|with)\b/.test(t) && stated) {
    return {
      tool: 'compare_periods',
      input: { period, by_marketplace: true, ...scoped },
      describe: describeComparePeriods,
    };
  }
  if (/\b(sales|sold|revenue|turnover|earn|earned|made|orders?|income|aov|average order)\b/.test(t)) {
    return { tool: 'sales_summary', input: { period, by: 'marketplace', ...scoped }, describe: describeSales };
  }
  if (/\b(fresh|up to date|last sync|synced)\b/.test(t)) {
    return { tool: 'sync_status', input: {}, describe: describeSyncStatus };
  }
  return undefined;
}

/** "INR 7,511.00": a decimal string grouped by thousands, never through a float. */
export function money(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '–';
  const [whole = '0', fraction] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount.startsWith('-') ? '-' : ''}${currency} ${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

const pct = (rate: number | null | undefined) => percent(rate ?? null) ?? '–';
const title = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);

function describeSales(r: Json): string {
  const parts = (r.rows ?? []).map(
    (row: Json) => `${title(row.key)} ${money(row.revenue, r.currency)} (${row.orders} orders)`,
  );
  const missing = (r.not_converted_for_want_of_a_rate ?? [])
    .map((u: Json) => `${money(u.amount, u.currency)} in ${u.orders} orders not converted (no exchange rate)`)
    .join('; ');
  return (
    `Sales ${r.period.label}: ${money(r.total.revenue, r.currency)} from ${r.total.orders} orders` +
    (r.total.cancelledOrders ? ` (${r.total.cancelledOrders} cancelled, not counted in sales)` : '') +
    (parts.length ? `. By marketplace: ${parts.join(' · ')}` : '') +
    (missing ? `. Also ${missing}` : '') +
    '.'
  );
}

function describeComparePeriods(r: Json): string {
  const c = r.change;
  const dir = c.revenue_pct === null ? '' : ` (${c.revenue_pct >= 0 ? '+' : ''}${c.revenue_pct}%)`;
  return (
    `${r.period.label}: ${money(r.period.revenue, r.currency)} from ${r.period.orders} orders; ` +
    `${r.compared_with.label}: ${money(r.compared_with.revenue, r.currency)} from ${r.compared_with.orders} orders. ` +
    `Change: ${money(c.revenue, r.currency)}${dir}.`
  );
}

/** "a", "a or b", "a, b or c". */
function list(items: string[], last: string): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}

function notFound(r: Json): string {
  const similar: string[] = r.did_you_mean ?? [];
  const hint = similar.length
    ? ` Did you mean ${list(
        similar.map((t) => `"${t}"`),
        'or',
      )}?`
    : '';
  return `I found no product matching "${r.product}".${hint}`;
}

function describeTop(r: Json): string {
  if (!r.products?.length) return `No product sold ${r.period.label}.`;
  const lines = r.products.map(
    (p: Json) => `${p.title} (${p.sku}) on ${title(p.marketplace)}: ${p.units} units, ${money(p.revenue, r.currency)}`,
  );
  return `Best sellers ${r.period.label}, by ${r.ranked_by}:\n- ${lines.join('\n- ')}`;
}

function describeComparison(r: Json, marketplaces: Marketplace[]): string {
  if (r.found === false) return notFound(r);
  if (!r.products?.length) return `No product sold ${r.period.label}.`;
  const shown = marketplaces.length ? marketplaces : [...MARKETPLACES];
  const best = shown.map((m) => {
    const winner = [...r.products]
      .filter((p: Json) => p.marketplaces[m])
      .sort((a: Json, b: Json) => compareDecimal(b.marketplaces[m].revenue, a.marketplaces[m].revenue))[0];
    return winner
      ? `on ${title(m)}: ${winner.title} (${winner.marketplaces[m].units} units, ${money(winner.marketplaces[m].revenue, r.currency)})`
      : `on ${title(m)}: no sales`;
  });
  return `Best-selling product ${r.period.label} ${best.join('; ')}.`;
}

function describeReturns(r: Json): string {
  if (r.by === 'product') {
    if (!r.products?.length) return `No returns ${r.period.label}.`;
    const lines = r.products
      .slice(0, 5)
      .map(
        (p: Json) =>
          `${p.title} on ${title(p.marketplace)}: ${p.returned_units} of ${p.units} units (${pct(p.return_rate)})`,
      );
    return `Most returned ${r.period.label}:\n- ${lines.join('\n- ')}`;
  }
  const rows = r.rows.map(
    (row: Json) =>
      `${r.by === 'marketplace' ? title(row.marketplace) : row.month} ${pct(row.return_rate)} (${row.returned_orders} of ${row.orders} orders)`,
  );
  return `Return rate ${r.period.label}: ${pct(r.total.return_rate)} overall${rows.length ? `. ${rows.join(' · ')}` : ''}.`;
}

function describeStock(r: Json): string {
  if (r.found === false) return notFound(r);
  if (!r.products?.length) return 'No stock figures yet for your products.';
  const lines = r.products.slice(0, 5).map((p: Json) => {
    const cover =
      p.daysOfCover === null
        ? p.stock === null
          ? 'stock unknown'
          : 'not selling lately'
        : `about ${p.daysOfCover} days left`;
    return `${p.title} on ${title(p.marketplace)}: ${p.stock ?? '?'} in stock, ${cover}`;
  });
  return `Stock, soonest to run out first (pace of the last ${r.pace_over_days} days):\n- ${lines.join('\n- ')}`;
}

function describeProduct(r: Json, target: Marketplace | undefined): string {
  if (r.found === false) return notFound(r);
  const lines = r.by_marketplace.map((m: Json) => {
    if (!m.listed) return `${title(m.marketplace)}: not listed`;
    const s = m.sales;
    return `${title(m.marketplace)}: listed at ${m.listing.price ?? '?'} ${m.listing.currency ?? ''}, ${m.listing.stock ?? '?'} in stock; ${
      s ? `${s.units} units, ${money(s.revenue, r.currency)}, returns ${pct(s.return_rate)}` : 'no sales'
    }`;
  });
  const note =
    target && r.not_connected?.includes(target)
      ? ` You have not connected ${title(target)}: connect it to compare.`
      : target
        ? ` Your overall return rate on ${title(target)} is ${pct(r.seller_return_rate_by_marketplace?.[target])}.`
        : '';
  return `${r.product.title} (${r.product.sku}), ${r.period.label}:\n- ${lines.join('\n- ')}\n${note.trim()}`.trim();
}

function describeSyncStatus(r: Json): string {
  if (!r.connections.length) return 'No marketplace is connected yet.';
  return r.connections
    .map(
      (c: Json) =>
        `${title(c.marketplace)} (${c.account}): ${c.state}, data as of ${c.data_as_of}${c.syncing_now ? ', syncing now' : ''}`,
    )
    .join('\n');
}

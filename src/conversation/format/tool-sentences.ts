/**
 * The tools' results written out plainly, for answers given without the model (limited
 * mode): amounts and counts as the seller reads them (money-format.ts), marketplaces by
 * name, both periods of a comparison named. Results are read loosely: these only word
 * what a tool returned.
 */
import { compareDecimal } from '../../currency/decimal.ts';
import { MARKETPLACES, type Marketplace } from '../../db/enums.ts';
import { percent } from '../tools/tool.ts';
import { breakdownLabel, marketplaceName } from './labels.ts';
import { formatCount, formatMoney, signed } from './money-format.ts';

// biome-ignore lint/suspicious/noExplicitAny: tool results are read loosely, for wording only
export type Json = Record<string, any>;

const pct = (rate: number | null | undefined) => percent(rate ?? null) ?? '–';
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** Rows listed in a sentence; the table under the answer has them all. */
const LISTED = 12;

/** A count grouped as the result's currency groups amounts (thousands when it has none). */
const num = (n: number, r: Json) => formatCount(n, r.currency ?? '');
/** "1 order", "1,24,800 orders". */
const count = (n: number, noun: string, r: Json) => `${num(n, r)} ${noun}${n === 1 ? '' : 's'}`;

/** "₹8,50,000 ($10,130)": the amount in the one currency sold in, when it is not the reporting one, then converted. */
function revenue(figures: Json, currency: string): string {
  const converted = formatMoney(figures.revenue, currency);
  const original = figures.original;
  return original ? `${formatMoney(original.revenue, original.currency)} (${converted})` : converted;
}

/** Amounts left out for want of an exchange rate, as "€30.00 in 1 order not converted (no exchange rate)". */
function notConverted(list: Json[] | undefined, r: Json): string {
  return (list ?? [])
    .map(
      (u: Json) =>
        `${formatMoney(u.amount, u.currency)} in ${count(u.orders, 'order', r)} not converted (no exchange rate)`,
    )
    .join('; ');
}

/** The sentence added to an answer whose revenue leaves amounts out, or nothing. */
function notConvertedSentence(list: Json[] | undefined, r: Json): string {
  const missing = notConverted(list, r);
  return missing ? ` Also ${missing}.` : '';
}

/** "; buyers paid $1,298.40 with shipping and tax" when that differs from the net sales, else nothing. */
function collected(figures: Json, currency: string): string {
  const paid = figures.totalCollected;
  return paid !== undefined && compareDecimal(paid, figures.revenue) !== 0
    ? `; buyers paid ${formatMoney(paid, currency)} with shipping and tax`
    : '';
}

/** Orders waiting for a re-read over the parts of a result (both periods of a comparison). */
function waitingIn(...parts: Json[]): Json | undefined {
  const orders = parts.reduce((n, p) => n + (p?.orders_waiting_for_a_reread?.orders ?? 0), 0);
  return orders ? { orders } : undefined;
}

/** The sentence for orders whose amounts wait for a re-read, or nothing. */
function awaitingSentence(r: Json): string {
  const orders = r.orders_waiting_for_a_reread?.orders;
  return orders
    ? ` ${capital(count(orders, 'order', r))} synced before ShopIQ kept net sales ${orders === 1 ? 'is' : 'are'} read again at the next sync and not in these amounts yet.`
    : '';
}

export function describeSales(r: Json): string {
  const rows: Json[] = r.rows ?? [];
  const parts = rows
    .slice(0, LISTED)
    .map((row) => `${breakdownLabel(r.by, row.key)}: ${revenue(row, r.currency)}, ${count(row.orders, 'order', r)}`);
  const more = rows.length > LISTED ? ` · and ${rows.length - LISTED} more in the table` : '';
  const missing = notConverted(r.not_converted_for_want_of_a_rate, r);
  const cancelled = r.total.cancelledOrders;
  return (
    `Sales ${r.period.label}: ${revenue(r.total, r.currency)} from ${count(r.total.orders, 'order', r)}` +
    (cancelled ? ` (${num(cancelled, r)} cancelled, not counted in sales)` : '') +
    collected(r.total, r.currency) +
    (parts.length > 1 || r.by !== 'marketplace' ? `. By ${r.by}: ${parts.join(' · ')}${more}` : '') +
    (missing ? `. Also ${missing}` : '') +
    '.' +
    awaitingSentence(r)
  );
}

/** A list's last line for amounts left out of revenue, or nothing. */
function notConvertedLine(r: Json): string {
  const missing = notConverted(r.not_converted_for_want_of_a_rate, r);
  return missing ? `\nNot in revenue: ${missing}.` : '';
}

export function describeComparePeriods(r: Json): string {
  const c = r.change;
  const side = (p: Json) => `${p.label}: ${revenue(p, r.currency)} from ${count(p.orders, 'order', r)}`;
  const change =
    compareDecimal(c.revenue, '0') === 0
      ? 'No change in sales'
      : `${compareDecimal(c.revenue, '0') > 0 ? 'Up' : 'Down'} ${formatMoney(c.revenue.replace(/^-/, ''), r.currency)}` +
        (c.revenue_pct === null ? '' : ` (${signed(c.revenue_pct, `${c.revenue_pct}%`)})`);
  const each = (r.by_marketplace ?? []).map((m: Json) => {
    const now = m.period ? revenue(m.period, r.currency) : formatMoney('0', r.currency);
    const before = m.compared_with ? revenue(m.compared_with, r.currency) : formatMoney('0', r.currency);
    const rate = m.change?.revenue_pct ?? null;
    return `${marketplaceName(m.marketplace)} ${now} vs ${before}${rate === null ? '' : ` (${signed(rate, `${rate}%`)})`}`;
  });
  return (
    `${capital(side(r.period))}, vs ${side(r.compared_with)}. ${change}.` +
    (each.length > 1 ? ` By marketplace: ${each.join(' · ')}.` : '') +
    notConvertedSentence(r.period.not_converted_for_want_of_a_rate, r) +
    notConvertedSentence(r.compared_with.not_converted_for_want_of_a_rate, r) +
    awaitingSentence({ ...r, orders_waiting_for_a_reread: waitingIn(r.period, r.compared_with) })
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

export function describeTop(r: Json): string {
  if (r.categories) {
    if (!r.categories.length) return `No product sold ${r.period.label}.`;
    const lines = r.categories.map(
      (c: Json) => `${c.category}: ${count(c.units, 'unit', r)}, ${formatMoney(c.revenue, r.currency)}`,
    );
    return `Best categories ${r.period.label}, by ${r.ranked_by}:\n- ${lines.join('\n- ')}${notConvertedLine(r)}${awaitingSentence(r)}`;
  }
  if (!r.products?.length) return `No product sold ${r.period.label}.`;
  const lines = r.products.map(
    (p: Json) =>
      `${p.title} (${p.sku}) on ${marketplaceName(p.marketplace)}: ${count(p.units, 'unit', r)}, ${formatMoney(p.revenue, r.currency)}`,
  );
  return `Best sellers ${r.period.label}, by ${r.ranked_by}:\n- ${lines.join('\n- ')}${notConvertedLine(r)}${awaitingSentence(r)}`;
}

export function describeComparison(r: Json, marketplaces: Marketplace[]): string {
  if (r.found === false) return notFound(r);
  if (!r.products?.length) return `No product sold ${r.period.label}.`;
  const shown = marketplaces.length ? marketplaces : [...MARKETPLACES];
  const best = shown.map((m) => {
    const winner = [...r.products]
      .filter((p: Json) => p.marketplaces[m])
      .sort((a: Json, b: Json) => compareDecimal(b.marketplaces[m].revenue, a.marketplaces[m].revenue))[0];
    const sold = winner?.marketplaces[m];
    return sold
      ? `on ${marketplaceName(m)}: ${winner.title} (${count(sold.units, 'unit', r)}, ${formatMoney(sold.revenue, r.currency)})`
      : `on ${marketplaceName(m)}: no sales`;
  });
  return `Best-selling product ${r.period.label} ${best.join('; ')}.${notConvertedSentence(r.not_converted_for_want_of_a_rate, r)}${awaitingSentence(r)}`;
}

export function describeReturns(r: Json): string {
  if (r.by === 'product') {
    if (!r.products?.length) return `No returns ${r.period.label}.`;
    const lines = r.products
      .slice(0, 5)
      .map(
        (p: Json) =>
          `${p.title} on ${marketplaceName(p.marketplace)}: ${num(p.returned_units, r)} of ${count(p.units, 'unit', r)} (${pct(p.return_rate)})`,
      );
    return `Most returned ${r.period.label}:\n- ${lines.join('\n- ')}`;
  }
  const rows = r.rows.map(
    (row: Json) =>
      `${breakdownLabel(r.by, row[r.by])} ${pct(row.return_rate)} (${num(row.returned_orders, r)} of ${count(row.orders, 'order', r)})`,
  );
  return `Return rate ${r.period.label}: ${pct(r.total.return_rate)} overall${rows.length ? `. ${rows.join(' · ')}` : ''}.`;
}

export function describeStock(r: Json): string {
  if (r.found === false) return notFound(r);
  if (!r.products?.length) return 'No stock figures yet for your products.';
  const lines = r.products.slice(0, 5).map((p: Json) => {
    const where = `${p.title} on ${marketplaceName(p.marketplace)}`;
    if (p.outOfStock) return `${where}: out of stock`;
    if (p.stock === null) return `${where}: stock unknown`;
    const cover =
      p.daysOfCover === null
        ? 'not selling lately'
        : p.daysOfCover === 0
          ? 'less than a day left'
          : `about ${count(p.daysOfCover, 'day', r)} left`;
    return `${where}: ${num(p.stock, r)} in stock, ${cover}`;
  });
  return `Stock, most urgent first (at the pace of the last ${r.pace_over_days} days):\n- ${lines.join('\n- ')}`;
}

export function describeProduct(r: Json, target: Marketplace | undefined): string {
  if (r.found === false) return notFound(r);
  const lines = r.by_marketplace.map((m: Json) => {
    const name = marketplaceName(m.marketplace);
    if (!m.listed) return `${name}: not listed`;
    const { price, currency, stock } = m.listing;
    const s = m.sales;
    const listed = `listed at ${price && currency ? formatMoney(price, currency) : '?'}, ${
      stock === null ? 'stock unknown' : stock <= 0 ? 'out of stock' : `${num(stock, r)} in stock`
    }`;
    const sold = s
      ? `${count(s.units, 'unit', r)}, ${formatMoney(s.revenue, r.currency)}, returns ${pct(s.return_rate)}`
      : 'no sales';
    return `${name}: ${listed}; ${sold}`;
  });
  const note =
    target && r.not_connected?.includes(target)
      ? ` You have not connected ${marketplaceName(target)}: connect it to compare.`
      : target
        ? ` Your overall return rate on ${marketplaceName(target)} is ${pct(r.seller_return_rate_by_marketplace?.[target])}.`
        : '';
  return `${r.product.title} (${r.product.sku}), ${r.period.label}:\n- ${lines.join('\n- ')}${notConvertedLine(r)}\n${note.trim()}`.trim();
}

export function describeSyncStatus(r: Json): string {
  if (!r.connections.length) return 'No marketplace is connected yet.';
  return r.connections
    .map(
      (c: Json) =>
        `${marketplaceName(c.marketplace)} (${c.account}): ${c.state}, data as of ${c.data_as_of}${c.syncing_now ? ', syncing now' : ''}`,
    )
    .join('\n');
}

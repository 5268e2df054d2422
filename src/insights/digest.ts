/**
 * The seller's digest, sent on its own each morning at their `digest_time` (09:00 by
 * default) in their timezone, to the chat they picked or else the one they last used:
 * yesterday on every marketplace against the same weekday of the four weeks before, the
 * top products, returns and cancellations, stock running out, how fresh the data is, and
 * one chart. On Mondays the week before replaces yesterday (against the week before it).
 *
 * It is composed ahead of its time and sent from the outbox (digest-outbox.ts).
 */
import type pg from 'pg';
import { connectionFreshness } from '../analytics/freshness.ts';
import { inventoryStatus } from '../analytics/inventory.ts';
import { type Period, precedingPeriod, resolvePeriod } from '../analytics/period.ts';
import { productSales, topProducts } from '../analytics/products.ts';
import { type SalesFigures, type SalesReport, salesReport } from '../analytics/sales.ts';
import { readSellerData } from '../analytics/seller-reads.ts';
import { loadSellerScope, type SellerScope } from '../analytics/seller-scope.ts';
import type { ChatAddress, ChatNotifier } from '../channels/chat-notifier.ts';
import type { ChartSpec } from '../conversation/charts/chart.ts';
import { marketplaceName } from '../conversation/format/labels.ts';
import { formatCount, formatMoney } from '../conversation/format/money-format.ts';
import { describeFreshness, describeOutages } from '../conversation/freshness-gate.ts';
import type { Reply } from '../conversation/reply.ts';
import type { Logger } from '../logging/logger.ts';
import { addDays, weekday, weekdayName } from '../time/local-time.ts';
import { median } from './detectors.ts';

export type DigestKind = 'daily' | 'weekly';

/** Products whose stock covers fewer days than this at their recent pace are "at risk". */
export const STOCK_AT_RISK_DAYS = 7;
/** Same weekdays a daily digest's "usual" is the median of. */
const USUAL_WEEKS = 4;

export interface DigestDeps {
  pool: pg.Pool;
  notifier: ChatNotifier;
  log: Logger;
  /** Data older than this is called stale (FRESHNESS_MAX_AGE_MINUTES). */
  staleAfterMs: number;
}

export type DigestOutcome = 'sent' | 'already_sent' | 'off' | 'no_chat' | 'not_delivered';

/** Monday's digest covers the week before; every other day's, yesterday. */
export const digestKindOn = (localDay: string): DigestKind => (weekday(localDay) === 1 ? 'weekly' : 'daily');

export interface DigestSettings {
  /** Local "HH:MM"; null: off. */
  time: string | null;
  address: ChatAddress | null;
}

/** A seller whose digest is on: where they are, and their digest settings. */
export interface DigestSeller {
  scope: SellerScope;
  settings: DigestSettings & { time: string };
}

/** The seller, when their digest is on (undefined: no such seller, or `digest off`). */
export async function digestSeller(pool: pg.Pool, userId: string): Promise<DigestSeller | undefined> {
  const [scope, settings] = await Promise.all([loadSellerScope(pool, userId), digestSettings(pool, userId)]);
  if (!scope || settings?.time == null) return undefined;
  return { scope, settings: { ...settings, time: settings.time } };
}

export async function digestSettings(pool: pg.Pool, userId: string): Promise<DigestSettings | undefined> {
  const { rows } = await pool.query<{ digest_time: string | null; digest_address: ChatAddress | null }>(
    'select digest_time, digest_address from "user" where id = $1',
    [userId],
  );
  const row = rows[0];
  return row && { time: row.digest_time, address: row.digest_address };
}

interface Figures {
  period: Period;
  sales: SalesReport;
  /** What the period is held against, per marketplace and in total: revenue and orders. */
  usual: Map<string, { revenue: number; orders: number }>;
  usualLabel: string;
  top: Awaited<ReturnType<typeof productSales>>['rows'];
  atRisk: Awaited<ReturnType<typeof inventoryStatus>>;
}

/** The digest as a reply: text, a table by marketplace, one chart. */
export async function composeDigest(
  deps: Pick<DigestDeps, 'pool' | 'staleAfterMs'>,
  scope: SellerScope,
  now: Date,
  kind: DigestKind,
): Promise<Reply> {
  const figures = await readSellerData(deps.pool, scope, (db) => readFigures(db, scope, now, kind));
  const freshness = await connectionFreshness(deps.pool, scope, now, deps.staleAfterMs);
  const { currency } = scope;
  const money = (n: number | string) => formatMoney(n, currency);
  const change = (value: number, usual: number | undefined) =>
    usual ? ` (${signedPercent((value - usual) / usual)})` : '';
  const { sales, usual, period } = figures;
  const total = usual.get('total');
  const lines = [
    kind === 'weekly' ? `Your ShopIQ weekly digest for ${period.label}.` : `Your ShopIQ digest for ${period.label}.`,
    `Sales: ${money(sales.total.revenue)} from ${orders(sales.total, currency)}; ${figures.usualLabel} ${total ? `${money(total.revenue)}${change(Number(sales.total.revenue), total.revenue)}` : 'no sales'}.`,
  ];
  for (const row of sales.rows) {
    const was = usual.get(row.key);
    lines.push(
      `- ${marketplaceName(row.key)}: ${money(row.revenue)} from ${orders(row, currency)}${was ? `, ${figures.usualLabel.replace(/^the /, '')} ${money(was.revenue)}${change(Number(row.revenue), was.revenue)}` : ''}`,
    );
  }
  for (const [key, was] of usual) {
    if (key !== 'total' && !sales.rows.some((r) => r.key === key) && was.revenue > 0)
      lines.push(
        `- ${marketplaceName(key)}: no sales, against ${money(was.revenue)} ${figures.usualLabel.replace(/^the /, '')}`,
      );
  }
  if (figures.top.length > 0) {
    lines.push(
      `Top products: ${figures.top
        .map(
          (p) =>
            `${p.title} on ${marketplaceName(p.marketplace)}, ${money(p.revenue)} (${formatCount(p.units, currency)} units)`,
        )
        .join('; ')}.`,
    );
  }
  lines.push(
    `Returns and cancellations: ${formatCount(sales.total.returnedOrders, currency)} ${plural(sales.total.returnedOrders, 'order')} returned, ${formatCount(sales.total.cancelledOrders, currency)} cancelled.`,
  );
  lines.push(
    figures.atRisk.length > 0
      ? `Stock at risk: ${figures.atRisk
          .map((r) =>
            r.outOfStock
              ? `${r.title} on ${marketplaceName(r.marketplace)} is out of stock`
              : `${r.title} on ${marketplaceName(r.marketplace)}, ${Math.max(1, Math.floor(r.daysOfCover ?? 0))} days left (${r.stock} in stock)`,
          )
          .join('; ')}.`
      : `Stock: nothing selling runs out within ${STOCK_AT_RISK_DAYS} days.`,
  );
  const outages = describeOutages(freshness);
  lines.push(`Data: ${describeFreshness(freshness)}.${outages ? ` ${outages}` : ''}`);
  lines.push('Change the time with `digest HH:MM`, or stop it with `digest off`.');

  const usualColumn = kind === 'weekly' ? 'week before' : `usual (median of ${USUAL_WEEKS})`;
  const keys = [...new Set([...sales.rows.map((r) => r.key), ...[...usual.keys()].filter((k) => k !== 'total')])];
  const rowOf = (key: string) => sales.rows.find((r) => r.key === key);
  const chart: ChartSpec = {
    kind: 'bar',
    title: `Revenue by marketplace, ${period.label}, against ${kind === 'weekly' ? 'the week before' : 'a usual day'}`,
    x: { field: 'marketplace', title: 'Marketplace', type: 'nominal' },
    y: { field: 'revenue', title: `Revenue (${currency})` },
    series: { field: 'when', title: '' },
    data: keys.flatMap((key) => [
      {
        marketplace: marketplaceName(key),
        when: kind === 'weekly' ? 'last week' : 'yesterday',
        revenue: Number(rowOf(key)?.revenue ?? 0),
      },
      { marketplace: marketplaceName(key), when: usualColumn, revenue: usual.get(key)?.revenue ?? 0 },
    ]),
  };
  return {
    text: lines.join('\n'),
    tables: [
      {
        title: `Sales by marketplace, ${period.label}`,
        columns: ['marketplace', 'orders', 'revenue', usualColumn, 'change', 'returned', 'cancelled'],
        rows: keys.map((key) => {
          const row = rowOf(key);
          const was = usual.get(key);
          const revenue = Number(row?.revenue ?? 0);
          return [
            marketplaceName(key),
            row?.orders ?? 0,
            money(row?.revenue ?? '0'),
            was ? money(was.revenue) : null,
            was?.revenue ? signedPercent((revenue - was.revenue) / was.revenue) : null,
            row?.returnedOrders ?? 0,
            row?.cancelledOrders ?? 0,
          ];
        }),
      },
    ],
    charts: [chart],
    notice: 'digest',
  };
}

async function readFigures(
  db: Parameters<Parameters<typeof readSellerData>[2]>[0],
  scope: SellerScope,
  now: Date,
  kind: DigestKind,
): Promise<Figures> {
  const { timezone } = scope;
  const byMarketplace = (period: Period) => salesReport(db, scope, period, { by: 'marketplace' });
  let period: Period;
  let usual: Map<string, { revenue: number; orders: number }>;
  let usualLabel: string;
  if (kind === 'weekly') {
    period = resolvePeriod({ kind: 'named', name: 'last_week' }, now, timezone);
    const before = await byMarketplace(precedingPeriod(period));
    usual = new Map([
      ['total', { revenue: Number(before.total.revenue), orders: before.total.orders }],
      ...before.rows.map((r) => [r.key, { revenue: Number(r.revenue), orders: r.orders }] as const),
    ]);
    usualLabel = 'the week before';
  } else {
    period = resolvePeriod({ kind: 'named', name: 'yesterday' }, now, timezone);
    const weeks: SalesReport[] = [];
    for (let k = 1; k <= USUAL_WEEKS; k++) {
      const day = addDays(period.start, -7 * k);
      weeks.push(await byMarketplace(resolvePeriod({ kind: 'range', from: day, to: day }, now, timezone)));
    }
    const keys = new Set(weeks.flatMap((w) => w.rows.map((r) => r.key)));
    const of = (w: SalesReport, key: string) => w.rows.find((r) => r.key === key);
    usual = new Map([
      [
        'total',
        {
          revenue: median(weeks.map((w) => Number(w.total.revenue))),
          orders: median(weeks.map((w) => w.total.orders)),
        },
      ],
      ...[...keys].map(
        (key) =>
          [
            key,
            {
              revenue: median(weeks.map((w) => Number(of(w, key)?.revenue ?? 0))),
              orders: median(weeks.map((w) => of(w, key)?.orders ?? 0)),
            },
          ] as const,
      ),
    ]);
    usualLabel = `the usual ${weekdayName(period.start)}`;
  }
  const sales = await byMarketplace(period);
  const products = await productSales(db, scope, period);
  const atRisk = (await inventoryStatus(db, scope, now))
    .filter((r) => r.unitsSold > 0 && (r.outOfStock || (r.daysOfCover !== null && r.daysOfCover < STOCK_AT_RISK_DAYS)))
    .sort((a, b) => (a.daysOfCover ?? 0) - (b.daysOfCover ?? 0))
    .slice(0, 3);
  return { period, sales, usual, usualLabel, top: topProducts(products.rows, { limit: 3 }), atRisk };
}

const signedPercent = (rate: number) => `${rate > 0 ? '+' : ''}${Math.round(rate * 100)}%`;
const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);
const orders = (f: SalesFigures, currency: string) => `${formatCount(f.orders, currency)} ${plural(f.orders, 'order')}`;

/**
 * Answers without the model (no ANTHROPIC_API_KEY, or the seller's daily budget is
 * spent): the common questions, however a seller words them, are matched to the same
 * tools the model uses and their results written out plainly (format/tool-sentences.ts).
 * Anything else gets an answer saying what can be asked.
 *
 * A question is read for its parts wherever they stand: a marketplace, a period
 * (period-text.ts), a breakdown ("by month", "monthly", "day-wise"), then what it asks
 * for, most specific first (one product, returns, stock, freshness, two periods, best
 * sellers, sales). Words around it ("hey, could you please…", "thanks") change nothing.
 * test/unit/fixtures/limited-mode-phrasings.ts holds the wordings it must understand.
 */

import type { NamedPeriod, PeriodSpec } from '../analytics/period.ts';
import { parsePeriodText } from '../analytics/period-text.ts';
import { MARKETPLACES, type Marketplace } from '../db/enums.ts';
import {
  describeComparePeriods,
  describeComparison,
  describeProduct,
  describeReturns,
  describeSales,
  describeStock,
  describeSyncStatus,
  describeTop,
  type Json,
} from './format/tool-sentences.ts';

export interface Intent {
  tool: string;
  input: Record<string, unknown>;
  /** The tool's result as a sentence or two. */
  describe(result: Json): string;
}

export const LIMITED_MODE_EXAMPLES = [
  'What were my total sales last month?',
  'How much did I sell on Amazon in October?',
  'Revenue by month this year',
  'Which product sells best on Flipkart vs Shopify?',
  'Show me my return rate by marketplace',
  'Should I list <product> on Amazon?',
  'How long will my stock last?',
  'This month vs last month',
];

type Breakdown = 'marketplace' | 'month' | 'week' | 'day' | 'status' | 'product' | 'category';

const MP = MARKETPLACES.join('|');
const EACH = '(?:by|per|each|every|across)';

/** Breakdowns as sellers ask for them, the first that appears winning over the rest in this order. */
const BREAKDOWNS: [Breakdown, RegExp][] = [
  ['category', /\b(?:by|per|each) categor(?:y|ies)\b|\bcategory[- ]?wise\b|\bcategories\b|\b(?:best|top) category\b/],
  ['product', new RegExp(`\\b${EACH} (?:product|sku|item)s?\\b|\\b(?:product|sku|item)[- ]?wise\\b`)],
  ['month', new RegExp(`\\b${EACH} months?\\b|\\bmonthly\\b|\\bmonth[- ]?wise\\b|\\bmonth (?:on|over|by) month\\b`)],
  ['week', new RegExp(`\\b${EACH} weeks?\\b|\\bweekly\\b|\\bweek[- ]?wise\\b|\\bweek (?:on|over|by) week\\b`)],
  ['day', new RegExp(`\\b${EACH} days?\\b|\\bdaily\\b|\\bday[- ]?wise\\b|\\bday by day\\b`)],
  [
    'marketplace',
    new RegExp(
      `\\b${EACH} (?:marketplace|platform|channel)s?\\b|\\b(?:marketplace|platform|channel)[- ]?wise\\b|` +
        `\\b(?:which|what|best|top) (?:marketplace|platform|channel)s?\\b|\\bwhere do (?:i|we) sell\\b`,
    ),
  ],
  [
    'status',
    /\bby (?:order )?status\b|\bstatus[- ]?wise\b|\bcancel(?:led|lations?|s)?\b|\b(?:pending|shipped|delivered)\b/,
  ],
];

/** The period a breakdown covers when the question names none: a year of months, 12 weeks, else 30 days. */
const DEFAULT_DAYS: Partial<Record<Breakdown, number>> = { month: 365, week: 84 };

const SALES = new RegExp(
  [
    '\\b(?:sales?|revenue|turnover|gmv|income|earnings?|takings|aov|money|business)\\b',
    '\\borders\\b|\\bhow many order|\\b(?:average )?order (?:value|count)s?\\b|\\bper order\\b',
    '\\b(?:how much|how many|what)\\b.*\\b(?:sell|sold|make|made|earn|earned|bring in|brought in|generated?|pay out|paid out)\\b',
    "\\b(?:i|we|i've|we've|i have|we have)\\s+(?:sell|sold|make|made|earn|earned)\\b",
    '\\bhow much (?:did|have|has|do) \\w+ (?:do|done)\\b',
    `\\bhow(?:'s| is| was| are| did| has)? (?:my |our |the )?(?:business|store|shop|${MP})\\b`,
    '\\bhow (?:am|are|did|have) (?:i|we) (?:been )?(?:doing|do|done)\\b',
  ].join('|'),
);
const RETURNS = /\breturn(?:s|ed|ing)?\b|\brefund(?:s|ed)?\b|\brto\b/;
const STOCK = /\b(?:stock|inventory|run(?:ning)? out|days of cover|restock|reorder|replenish)\b/;
const SYNC = /\b(?:fresh|up[- ]to[- ]date|last sync(?:ed)?|synced|sync status|last updated|data as of)\b/;
const TOP =
  /\b(?:best|top|most popular|best-?sell(?:ing|ers?)|bestsell(?:ing|ers?)|fast[- ]moving|selling well|sold (?:the )?most|sells? (?:the )?most|most sold)\b/;
const PERIOD_CUE = /\b(?:vs\.?|versus|compared? (?:to|with)|against|than|with)\b/;
const GROWTH = /\b(?:grow(?:n|th|ing)?|grew|up or down|month over month)\b/;
const EARLIER = /\b(?:before|previous|prior|earlier)\b/;
/** What follows a product's name in a question: where, when, or the end. */
const AFTER_PRODUCT = new RegExp(
  `\\s+(?:on|in|at|for|during|over|this|last|past|since|today|yesterday|so far|(?:${MP})|left|remaining|do i have)\\b.*$|[?.!,]+.*$`,
);
/** Words that name the seller's business, or no one thing, rather than a product ("how is my shop doing"). */
const NOT_A_PRODUCT = new RegExp(
  `^(?:i|we|you|it|things|everything|anything|stock|inventory|products|items|listings|account|${MP})$` +
    '|\\b(?:sales?|revenue|business|orders|returns|store|shop)\\b',
);

export function matchIntent(text: string): Intent | undefined {
  const t = text.toLowerCase().replace(/[‘’]/g, "'").replace(/\s+/g, ' ').trim();
  const marketplaces = MARKETPLACES.filter((m) => new RegExp(`\\b${m}\\b`).test(t));
  const scoped = marketplaces.length ? { marketplaces } : {};
  const by = BREAKDOWNS.find(([, pattern]) => pattern.test(t))?.[0];
  const stated = parsePeriodText(t);
  const period: PeriodSpec = stated ?? { kind: 'last_days', days: (by && DEFAULT_DAYS[by]) ?? 30 };

  const listing = new RegExp(
    `\\bshould (?:i|we) (?:also |start |begin )?(?:list|sell|launch|put|add)(?:ing)? (.+?) (?:on|in|to) (${MP})\\b`,
  ).exec(t);
  const listed = listing ? productName(listing[1] as string) : undefined;
  if (listed) {
    return {
      tool: 'product_performance',
      input: { product: listed, ...(stated ? { period } : {}) },
      describe: (r) => describeProduct(r, listing?.[2] as Marketplace),
    };
  }
  // "net revenue after refunds" is a sales figure
  if (RETURNS.test(t) && !/\bnet (?:revenue|sales)\b/.test(t)) {
    const returnsBy =
      by === 'product' || /\b(?:products?|skus?|items?)\b/.test(t)
        ? 'product'
        : by === 'month'
          ? 'month'
          : 'marketplace';
    return { tool: 'return_rate', input: { period, by: returnsBy, ...scoped }, describe: describeReturns };
  }
  if (STOCK.test(t)) {
    const named = /\b(?:stock|inventory)\b.*?\b(?:of|for) (.+)$/.exec(t);
    const product = named ? productName(named[1] as string) : undefined;
    return { tool: 'inventory_status', input: { ...scoped, ...(product ? { product } : {}) }, describe: describeStock };
  }
  if (SYNC.test(t)) return { tool: 'sync_status', input: {}, describe: describeSyncStatus };
  const about =
    /\bhow (?:is|are|'s|was|were|has|have) (.+?) (?:doing|selling|performing|done|sold)\b/.exec(t) ??
    /\bhow (?:did|does|do) (.+?) (?:do|sell|perform)\b/.exec(t) ??
    /\b(?:performance of|tell me about) (.+)$/.exec(t);
  const product = about ? productName(about[1] as string) : undefined;
  if (product) {
    return {
      tool: 'product_performance',
      input: { product, ...(stated ? { period } : {}) },
      describe: (r) => describeProduct(r, undefined),
    };
  }
  const periods = comparedPeriods(t, marketplaces.length);
  if (periods) {
    return {
      tool: 'compare_periods',
      input: { ...periods, by_marketplace: true, ...scoped },
      describe: describeComparePeriods,
    };
  }
  const productWord = /\b(?:products?|items?|skus?|bestsellers?|listings?)\b/.test(t);
  const subject = productWord || (/\bwhat\b/.test(t) && by !== 'marketplace');
  const bestSellers =
    by === 'product' ||
    by === 'category' ||
    (TOP.test(t) && subject) ||
    /\bhow (?:are|is) my (?:products|items|listings)\b/.test(t);
  const byUnits = /\b(?:units|quantity|volume|pieces)\b/.test(t) ? { rank_by: 'units' } : {};
  const acrossMarketplaces = marketplaces.length >= 2 || /\b(?:vs\.?|versus|compared?|across)\b/.test(t);
  if ((bestSellers || (productWord && /\bcompare\b/.test(t))) && acrossMarketplaces) {
    return {
      tool: 'compare_product_marketplaces',
      input: { period, ...scoped, ...byUnits },
      describe: (r) => describeComparison(r, marketplaces),
    };
  }
  if (bestSellers) {
    return {
      tool: 'top_products',
      input: {
        period,
        per_marketplace: new RegExp(`\\b${EACH} (?:marketplace|platform|channel)\\b`).test(t),
        limit: Math.min(20, Number(/\btop (\d{1,2})\b/.exec(t)?.[1] ?? 5)),
        ...scoped,
        ...byUnits,
        ...(by === 'category' ? { group_by: 'category' } : {}),
      },
      describe: describeTop,
    };
  }
  if (SALES.test(t) || by) {
    return {
      tool: 'sales_summary',
      input: { period, by: by ?? 'marketplace', ...scoped },
      describe: describeSales,
    };
  }
  return undefined;
}

/** "the brass lamp on Amazon last month?" → "brass lamp"; undefined when it names no product. */
function productName(text: string): string | undefined {
  const name = text
    .replace(AFTER_PRODUCT, '')
    .replace(/^(?:my|the|our|a|an|these|this)\s+/, '')
    .trim();
  return name && !NOT_A_PRODUCT.test(name) ? name : undefined;
}

/**
 * Two periods compared: "this month vs last month", "better than last month", "October
 * vs September", "month over month growth". The second is left to the tool (the same
 * days of the one before) when it is the one before the first.
 */
function comparedPeriods(
  t: string,
  marketplaceCount: number,
): { period: PeriodSpec; compare_to?: PeriodSpec } | undefined {
  const cue = PERIOD_CUE.exec(t);
  const growth = GROWTH.test(t);
  const compare = /\bcompare\b/.test(t);
  if (!cue && !growth && !compare) return undefined;
  const first = parsePeriodText(cue ? t.slice(0, cue.index) : t);
  const second = cue ? parsePeriodText(t.slice(cue.index + cue[0].length)) : undefined;
  // "Flipkart vs Amazon last week" compares marketplaces, not periods
  if (marketplaceCount >= 2 && !(first && second)) return undefined;
  if (first && second) return precedes(second, first) ? { period: first } : { period: first, compare_to: second };
  if (second) {
    const current = counterpart(second);
    return current ? { period: current } : undefined;
  }
  if (first && (growth || compare || (cue && EARLIER.test(t.slice(cue.index))))) return { period: first };
  return growth ? { period: { kind: 'named', name: 'this_month' } } : undefined;
}

const PAIRS: [NamedPeriod, NamedPeriod][] = [
  ['today', 'yesterday'],
  ['this_week', 'last_week'],
  ['this_month', 'last_month'],
  ['this_quarter', 'last_quarter'],
  ['this_year', 'last_year'],
];

/** The period that `earlier` is the one before of ("this month" for "last month"). */
function counterpart(earlier: PeriodSpec): PeriodSpec | undefined {
  const pair = earlier.kind === 'named' ? PAIRS.find(([, before]) => before === earlier.name) : undefined;
  return pair ? { kind: 'named', name: pair[0] } : undefined;
}

/** `earlier` is the period a comparison with `current` takes by itself: the same days of the one before. */
function precedes(earlier: PeriodSpec, current: PeriodSpec): boolean {
  if (earlier.kind === 'named' && current.kind === 'named') {
    return PAIRS.some(([now, before]) => now === current.name && before === earlier.name);
  }
  return (
    earlier.kind === 'month' &&
    current.kind === 'month' &&
    earlier.year === undefined &&
    current.year === undefined &&
    earlier.month === (current.month === 1 ? 12 : current.month - 1)
  );
}

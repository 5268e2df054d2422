/**
 * The part of Shopify's search syntax the sandbox understands:
 * `updated_at:>='2026-01-01T00:00:00Z' AND created_at:<2026-02-01`, with >, >=, <, <=
 * and = (a whole day for a date). Terms it does not know are ignored, as Shopify
 * ignores search terms it cannot use.
 */
export interface TimeRange {
  min?: number;
  minInclusive?: boolean;
  max?: number;
  maxInclusive?: boolean;
}

export interface SearchFilter {
  updated: TimeRange;
  created: TimeRange;
}

const TERM = /\b(updated_at|created_at):(>=|<=|>|<|=)?\s*(?:'([^']*)'|"([^"]*)"|(\S+))/g;

export function parseSearch(query: string | undefined): SearchFilter {
  const filter: SearchFilter = { updated: {}, created: {} };
  if (!query) return filter;
  for (const m of query.matchAll(TERM)) {
    const [, field, op = '=', q1, q2, bare] = m;
    const text = (q1 ?? q2 ?? bare ?? '').trim();
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(ms)) continue;
    const range = field === 'updated_at' ? filter.updated : filter.created;
    if (op === '>' || op === '>=') {
      range.min = ms;
      range.minInclusive = op === '>=';
    } else if (op === '<' || op === '<=') {
      range.max = ms;
      range.maxInclusive = op === '<=';
    } else {
      range.min = ms;
      range.minInclusive = true;
      range.max = ms + 86_400_000;
      range.maxInclusive = false;
    }
  }
  return filter;
}

export function inRange(ms: number, r: TimeRange): boolean {
  if (r.min !== undefined && (r.minInclusive ? ms < r.min : ms <= r.min)) return false;
  if (r.max !== undefined && (r.maxInclusive ? ms > r.max : ms >= r.max)) return false;
  return true;
}

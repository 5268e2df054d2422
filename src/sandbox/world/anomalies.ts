/**
 * Anomalies planted in the sandbox's history at known dates, so that what ShopIQ's
 * detectors find can be checked against what is there (the truth lists them):
 *
 * - `sales_drop:<store>:<YYYY-MM-DD>[:<factor>]`: the store's demand that day is
 *   `factor` (default 0.15) of its usual (its other days take up the orders);
 * - `return_spike:<store>:<product>:<YYYY-MM-DD>[:<days>[:<rate>]]`: from that day for
 *   `days` (default 7), the store's product `product` (its index in the seller's
 *   catalog) comes back far more: its orders delivered by then (placed up to two weeks
 *   before) or meanwhile come back at `rate` (default 0.6) on one of those days;
 * - `cancel_spike:<store>:<product>:<YYYY-MM-DD>[:<days>[:<rate>]]`: the product's
 *   orders placed from that day for `days` (default 7) are cancelled at `rate`
 *   (default 0.6), within 12 hours (whole: the products bought with it too);
 * - `stock_out:<store>:<product>[:<units>]`: the product's listing there holds `units`
 *   (default 0);
 * - `large_order:<store>:<YYYY-MM-DD>[:<factor>]`: the store's first order of that day
 *   has its units multiplied until it is worth about `factor` (default 20) times the
 *   store's median order, and is not cancelled.
 *
 * Several are separated by `;`.
 */
export type AnomalySpec =
  | { kind: 'sales_drop'; store: string; day: string; factor: number }
  | {
      kind: 'return_spike' | 'cancel_spike';
      store: string;
      product: number;
      from: string;
      days: number;
      rate: number;
    }
  | { kind: 'stock_out'; store: string; product: number; units: number }
  | { kind: 'large_order'; store: string; day: string; factor: number };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseAnomalies(spec: string | undefined): AnomalySpec[] {
  if (!spec?.trim()) return [];
  return spec
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [kind, store = '', ...rest] = part.split(':');
      const number = (value: string | undefined, fallback: number, what: string) => {
        if (value === undefined || value === '') return fallback;
        const n = Number(value);
        if (!Number.isFinite(n) || n < 0)
          throw new RangeError(`anomaly "${part}": ${what} must be a number of 0 or more`);
        return n;
      };
      const date = (value: string | undefined) => {
        if (!value || !DATE.test(value)) throw new RangeError(`anomaly "${part}": expected a date as YYYY-MM-DD`);
        return value;
      };
      if (!store) throw new RangeError(`anomaly "${part}": a store key (e.g. s1-flipkart) is required`);
      switch (kind) {
        case 'sales_drop':
          return { kind, store, day: date(rest[0]), factor: number(rest[1], 0.15, 'the factor') };
        case 'return_spike':
        case 'cancel_spike':
          return {
            kind,
            store,
            product: number(rest[0], Number.NaN, 'the product'),
            from: date(rest[1]),
            days: number(rest[2], 7, 'the days'),
            rate: Math.min(1, number(rest[3], 0.6, 'the rate')),
          };
        case 'stock_out':
          return {
            kind,
            store,
            product: number(rest[0], Number.NaN, 'the product'),
            units: number(rest[1], 0, 'the units'),
          };
        case 'large_order':
          return { kind, store, day: date(rest[0]), factor: Math.max(1, number(rest[1], 20, 'the factor')) };
        default:
          throw new RangeError(
            `anomaly "${part}": the kind is sales_drop, return_spike, cancel_spike, stock_out or large_order`,
          );
      }
    })
    .map((a) => {
      if ('product' in a && !Number.isInteger(a.product))
        throw new RangeError(`anomaly for ${a.store}: a product index is required`);
      return a;
    });
}

/** A return or cancellation spike as the order generator applies it. */
export interface ProductSpike {
  kind: 'return_spike' | 'cancel_spike';
  productIndex: number;
  fromMs: number;
  toMs: number;
  rate: number;
}

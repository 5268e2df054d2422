/**
 * Daily reference rates (per 1 USD) with a seeded random walk around realistic levels.
 * Like the ECB reference rates behind the public FX APIs, there is no rate on
 * weekends: a weekend date answers with the Friday before it.
 */
import { Random } from './random.ts';

const LEVELS: Record<string, number> = {
  EUR: 0.92,
  GBP: 0.79,
  INR: 83.2,
  JPY: 151.4,
  KWD: 0.3075,
  AUD: 1.52,
  CAD: 1.36,
  AED: 3.6725,
  SGD: 1.34,
};
const DAY_MS = 86_400_000;

export class FxHistory {
  readonly #seed: number;
  readonly #cache = new Map<string, Record<string, number>>();

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** The business day whose rates apply on `date` (YYYY-MM-DD). */
  businessDay(date: string): string {
    const d = new Date(`${date}T00:00:00Z`);
    const weekday = d.getUTCDay();
    const back = weekday === 0 ? 2 : weekday === 6 ? 1 : 0;
    return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
  }

  /** Units of each currency per 1 USD on a business day, 6 significant decimals. */
  usdRates(day: string): Record<string, number> {
    const cached = this.#cache.get(day);
    if (cached) return cached;
    const t = Date.parse(`${day}T00:00:00Z`) / DAY_MS;
    const rates: Record<string, number> = { USD: 1 };
    for (const [code, level] of Object.entries(LEVELS)) {
      // slow seasonal drift plus day-to-day noise: deterministic per (seed, code, day)
      const drift = 0.03 * Math.sin(t / 97 + code.length) + 0.015 * Math.sin(t / 23 + code.charCodeAt(0));
      const noise = (new Random(this.#seed, 'fx', code, day).next() - 0.5) * 0.004;
      rates[code] = Number((level * (1 + drift + noise)).toPrecision(6));
    }
    this.#cache.set(day, rates);
    return rates;
  }

  /** Rates of `symbols` per 1 `base` on the business day of `date`. */
  rates(date: string, base: string, symbols?: readonly string[]) {
    const day = this.businessDay(date);
    const usd = this.usdRates(day);
    const baseRate = usd[base];
    if (baseRate === undefined) return undefined;
    const out: Record<string, number> = {};
    for (const code of symbols ?? Object.keys(usd)) {
      const r = usd[code];
      if (r === undefined || code === base) continue;
      out[code] = Number((r / baseRate).toPrecision(6));
    }
    return { date: day, base, rates: out };
  }
}

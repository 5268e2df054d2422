/**
 * When orders happen: 18 months of history ending at the sandbox's start time, with a
 * growth trend, a weekly rhythm and festive peaks (Diwali season in Oct–Nov, the
 * Black Friday to Christmas run in late Nov–Dec). Order i of a store is placed at the
 * inverse of the cumulative demand curve at (i + jitter) / N, so placement times rise
 * with i and a store of any size spans the same months.
 */
import { Random } from './random.ts';

export const HISTORY_DAYS = 548;
const DAY_MS = 86_400_000;

export class DemandCalendar {
  readonly startMs: number;
  readonly endMs: number;
  readonly #cdf: Float64Array;

  /** `dips`: days (UTC midnight, ms) whose demand is multiplied by a factor (planted sales drops). */
  constructor(endMs: number, dips: ReadonlyMap<number, number> = new Map()) {
    this.endMs = endMs;
    this.startMs = endMs - HISTORY_DAYS * DAY_MS;
    this.#cdf = new Float64Array(HISTORY_DAYS + 1);
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const dayMs = this.startMs + d * DAY_MS;
      const weight = demand(new Date(dayMs), d / HISTORY_DAYS) * (dips.get(dayMs) ?? 1);
      this.#cdf[d + 1] = (this.#cdf[d] ?? 0) + weight;
    }
  }

  /** Placement time of order `index` of `count` in a store (monotonic in index). */
  placedAt(index: number, count: number, seed: number, store: string): number {
    const jitter = new Random(seed, store, index, 'placed').next();
    const target = ((index + jitter) / count) * (this.#cdf[HISTORY_DAYS] ?? 1);
    let lo = 0;
    let hi = HISTORY_DAYS;
    while (lo < hi - 1) {
      const mid = (lo + hi) >> 1;
      if ((this.#cdf[mid] ?? 0) <= target) lo = mid;
      else hi = mid;
    }
    const within = (target - (this.#cdf[lo] ?? 0)) / ((this.#cdf[lo + 1] ?? 1) - (this.#cdf[lo] ?? 0) || 1);
    // whole seconds, as the real APIs report
    return Math.floor((this.startMs + (lo + within) * DAY_MS) / 1000) * 1000;
  }
}

function demand(day: Date, progress: number): number {
  const month = day.getUTCMonth();
  const date = day.getUTCDate();
  const weekday = day.getUTCDay();
  let weight = 1 + 0.6 * progress; // the business grows
  if (weekday === 0 || weekday === 6) weight *= 1.15;
  if (month === 9 || (month === 10 && date < 15)) weight *= 1.5; // festive season
  if ((month === 10 && date >= 24) || month === 11) weight *= 1.8; // BFCM to Christmas
  if (month === 0 || month === 1) weight *= 0.8; // post-holiday lull
  return weight;
}

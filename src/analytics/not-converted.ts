/**
 * Amounts that could not be given in the reporting currency for want of an exchange
 * rate (no USD amount: fx flag RATE_MISSING or UNKNOWN_CURRENCY; or no USD → reporting
 * rate that week). They are never counted as 0: every figure leaves them out of its
 * revenue and lists them apart, in their own currency, in this one shape.
 */
import { addDecimal, compareDecimal, roundDecimal } from '../currency/decimal.ts';
import { minorDigits } from './seller-scope.ts';

export interface NotConverted {
  currency: string;
  /** Orders (not cancelled) with amounts left out. */
  orders: number;
  /** What was left out, in `currency`. */
  amount: string;
}

/** Sums what was left out per currency, as query rows give it. */
export class NotConvertedTally {
  readonly #byCurrency = new Map<string, { orders: number; amount: string }>();

  add(currency: string, orders: number, amount: string): void {
    if (orders === 0 && compareDecimal(amount, '0') === 0) return;
    const u = this.#byCurrency.get(currency) ?? { orders: 0, amount: '0' };
    this.#byCurrency.set(currency, { orders: u.orders + orders, amount: addDecimal(u.amount, amount) });
  }

  /** Per currency, alphabetically, each amount to its currency's minor unit. */
  list(): NotConverted[] {
    return [...this.#byCurrency]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, u]) => ({ currency, orders: u.orders, amount: roundDecimal(u.amount, minorDigits(currency)) }));
  }
}

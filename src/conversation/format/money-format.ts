/**
 * Amounts and counts as a seller reads them, in every channel (limited-mode sentences,
 * the tools' tables): the currency's symbol where it is unambiguous ($, €, £, ₹, ¥…),
 * else its ISO code ("AED 1,200.00"); Indian grouping for INR (₹41,38,850: the last
 * three digits, then pairs), thousands for every other currency.
 *
 * Decimals, one rule: an amount of 10,000 or more is given in whole units, rounded half
 * away from zero (₹8,50,000, $10,130: the paise of a large figure are noise to a seller);
 * a smaller one keeps its currency's minor digits (₹2,640.00, $1,234.50, ¥1,200,
 * KWD 12.345). Digits come straight from the decimal string: no float touches an amount.
 */
import { minorDigits } from '../../analytics/seller-scope.ts';
import { compareDecimal, roundDecimal } from '../../currency/decimal.ts';

/** Symbols only one currency uses among those sellers here trade in; others go by their code. */
const SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  INR: '₹',
  JPY: '¥',
  KRW: '₩',
  ILS: '₪',
  NGN: '₦',
  PHP: '₱',
  THB: '฿',
  TRY: '₺',
  VND: '₫',
};

/** From this many units up, an amount is shown without its minor digits. */
const WHOLE_FROM = '10000';

/**
 * "₹41,38,850", "$1,234.50", "-€12.00", "AED 1,200.00"; "–" for a missing amount. A number
 * (a median, a share: computed for showing, never summed) is read at the currency's digits.
 */
export function formatMoney(value: string | number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '–';
  const amount = typeof value === 'number' ? value.toFixed(minorDigits(currency)) : value;
  const negative = amount.trim().startsWith('-');
  const size = negative ? amount.trim().slice(1) : amount.trim();
  const minor = roundDecimal(size, minorDigits(currency));
  const rounded = compareDecimal(minor, WHOLE_FROM) >= 0 ? roundDecimal(size, 0) : minor;
  const [whole = '0', fraction] = rounded.split('.');
  const number = `${groupDigits(whole, currency)}${fraction === undefined ? '' : `.${fraction}`}`;
  const symbol = SYMBOLS[currency];
  const shown = symbol ? `${symbol}${number}` : `${currency} ${number}`;
  return negative && /[1-9]/.test(number) ? `-${shown}` : shown;
}

/** A table cell for an amount: formatted, or null when there is none. */
export function moneyCell(amount: string | null | undefined, currency: string): string | null {
  return amount === null || amount === undefined ? null : formatMoney(amount, currency);
}

/** A whole count grouped as the seller's amounts are: "12,480", or "1,24,800" for an INR seller. */
export function formatCount(count: number, currency: string): string {
  const whole = String(Math.abs(Math.trunc(count)));
  return `${count < 0 ? '-' : ''}${groupDigits(whole, currency)}`;
}

/** A change with its sign: "+₹1,50,000", "-12"; no sign on none. */
export function signed(change: number | string, text: string): string {
  return (typeof change === 'number' ? change > 0 : compareDecimal(change, '0') > 0) ? `+${text}` : text;
}

/** Commas in a run of digits: in pairs above the thousands for INR (lakh, crore), in threes otherwise. */
function groupDigits(whole: string, currency: string): string {
  const threes = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (currency !== 'INR' || whole.length <= 3) return threes(whole);
  return `${whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',')},${whole.slice(-3)}`;
}

/**
 * Exact decimal arithmetic for money on decimal strings: sums, products by a
 * quantity, and division rounded half away from zero (as PostgreSQL's round(numeric)).
 * Digits go through BigInt; no float touches an amount.
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function parse(text: string): { digits: bigint; scale: number } {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: ${text}`);
  const fraction = m[3] ?? '';
  const digits = BigInt(`${m[2]}${fraction}`);
  return { digits: m[1] === '-' ? -digits : digits, scale: fraction.length };
}

/** Units of 10^-scale as a decimal string. */
function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${body}` : body;
}

export function addDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format(x.digits * 10n ** BigInt(scale - x.scale) + y.digits * 10n ** BigInt(scale - y.scale), scale);
}

/** `amount` rounded to `digits` places, half away from zero. */
export function roundDecimal(amount: string, digits: number): string {
  return divideRounded(amount, '1', digits);
}

export function subtractDecimal(a: string, b: string): string {
  return addDecimal(a, b.startsWith('-') ? b.slice(1) : `-${b}`);
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareDecimal(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const diff = x.digits * 10n ** BigInt(scale - x.scale) - y.digits * 10n ** BigInt(scale - y.scale);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

export function multiplyDecimal(amount: string, quantity: number): string {
  const a = parse(amount);
  return format(a.digits * BigInt(quantity), a.scale);
}

/** `amount / divisor` rounded to `scale` places. */
export function divideRounded(amount: string, divisor: string, scale = 4): string {
  const a = parse(amount);
  const d = parse(divisor);
  if (d.digits === 0n) throw new RangeError('division by zero');
  // amount / divisor × 10^scale = a·10^(d.scale+scale) / (d·10^a.scale)
  let numerator = a.digits * 10n ** BigInt(d.scale + scale);
  let denominator = d.digits * 10n ** BigInt(a.scale);
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  let quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice >= denominator) quotient += numerator < 0n ? -1n : 1n;
  return format(quotient, scale);
}

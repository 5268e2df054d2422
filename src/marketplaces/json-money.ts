/**
 * Money that arrives as a JSON number (Flipkart's rupees). A JSON number with a couple
 * of decimals prints back exactly as sent (its shortest form), so the decimal string is
 * taken from that; a value with an exponent or more than four decimals is refused,
 * never rounded through a float.
 */
export function decimalFromJson(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  return /^-?\d+(\.\d{1,4})?$/.test(text) ? text : undefined;
}

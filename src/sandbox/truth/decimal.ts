/** Minor units to a decimal string: 2 decimals, JPY 0, KWD 3 (sandbox currencies). */
export function decimal(minor: number, currency: string): string {
  const digits = currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2;
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

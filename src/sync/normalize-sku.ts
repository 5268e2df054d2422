/**
 * The key that lines one product up across marketplaces. Sellers type the same SKU
 * differently per marketplace: case, `_` or spaces for `-`, padding, invisible
 * characters pasted from spreadsheets, full-width forms. Normalizing is deliberately
 * conservative (no fuzzy matching): two SKUs match only if they differ in these ways.
 */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

export function normalizeSku(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const sku = raw
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .trim()
    .toUpperCase()
    .replace(/[\s_./]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return sku === '' ? null : sku;
}

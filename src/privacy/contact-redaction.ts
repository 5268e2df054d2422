/**
 * Phone numbers and e-mail addresses are masked before chat text is stored (and in log
 * lines): no answer needs them kept, and a seller may paste a buyer's. Shapes that only
 * look like numbers stay: amounts (₹12,53,409, $1,234.50), dates (2026-11-01), order ids
 * (Amazon's 123-1234567-1234567, Shopify's gid numbers), SKUs.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** An international number (+country, then 7–15 digits with single spaces, dashes or dots between groups). */
const INTERNATIONAL = /\+\d{1,3}(?:[\s.-]?\(?\d+\)?){2,6}/g;
/** A bare 10-digit mobile number as Indian sellers write them (6–9 first), or (415) 555-0100 style. */
const NATIONAL = /(?<![\d-])(?:[6-9]\d{9}|\(\d{3}\)\s?\d{3}[\s.-]\d{4})(?![\d-])/g;

export const EMAIL_MASK = '[email]';
export const PHONE_MASK = '[phone]';

export function redactContacts(text: string): string {
  return text
    .replace(EMAIL, EMAIL_MASK)
    .replace(INTERNATIONAL, (match) => (match.replace(/\D/g, '').length >= 8 ? PHONE_MASK : match))
    .replace(NATIONAL, PHONE_MASK);
}

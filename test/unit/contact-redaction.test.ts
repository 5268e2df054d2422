import { describe, expect, it } from 'vitest';
import { redactContacts } from '../../src/privacy/contact-redaction.ts';

describe('contact redaction', () => {
  it('masks e-mail addresses and phone numbers as people write them', () => {
    expect(redactContacts('Did priya.raman+shop@example.co.in order again?')).toBe('Did [email] order again?');
    for (const phone of [
      '+91 98123 00077',
      '+919812300077',
      '+1 (415) 555-0100',
      '+44 20 7946 0958',
      '9812300077',
      '(415) 555-0100',
    ]) {
      expect(redactContacts(`call ${phone} today`), phone).toBe('call [phone] today');
    }
  });

  it('leaves amounts, dates, order ids and SKUs alone', () => {
    const text =
      'Sales ₹12,53,409 ($15,064.20) on 2026-11-01; order 123-1234567-1234567, gid://shopify/Order/5012345678901, #1001, SKU RUG-BLUE-0042, 1234567 units';
    expect(redactContacts(text)).toBe(text);
  });
});

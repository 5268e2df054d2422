import { describe, expect, it } from 'vitest';
import { formatCount, formatMoney, moneyCell } from '../../src/conversation/format/money-format.ts';

describe('money as a seller reads it', () => {
  it('groups rupees in lakhs and crores, with the rupee sign, whole when the figure is large', () => {
    expect(formatMoney('4138850.00', 'INR')).toBe('₹41,38,850');
    expect(formatMoney('850000.00', 'INR')).toBe('₹8,50,000');
    expect(formatMoney('123456789.49', 'INR')).toBe('₹12,34,56,789');
    expect(formatMoney('10000.50', 'INR')).toBe('₹10,001'); // half away from zero
    expect(formatMoney('8800', 'INR')).toBe('₹8,800.00');
    expect(formatMoney('999.5', 'INR')).toBe('₹999.50');
    expect(formatMoney('0.00', 'INR')).toBe('₹0.00');
  });

  it('uses unambiguous symbols, else the ISO code, with thousands separators', () => {
    expect(formatMoney('1234.5', 'USD')).toBe('$1,234.50');
    expect(formatMoney('10130.40', 'USD')).toBe('$10,130');
    expect(formatMoney('55840.55', 'EUR')).toBe('€55,841');
    expect(formatMoney('99.999', 'GBP')).toBe('£100.00');
    expect(formatMoney('1200', 'AED')).toBe('AED 1,200.00');
    expect(formatMoney('1234567.89', 'CAD')).toBe('CAD 1,234,568');
  });

  it('respects each currency’s minor digits, exactly from the decimal string', () => {
    expect(formatMoney('1200.4', 'JPY')).toBe('¥1,200');
    expect(formatMoney('12.3456', 'KWD')).toBe('KWD 12.346');
    // beyond a float's 15–17 significant digits
    expect(formatMoney('9007199254740993.00', 'USD')).toBe('$9,007,199,254,740,993');
    expect(formatMoney('0.015', 'USD')).toBe('$0.02');
    expect(formatMoney('9999.996', 'USD')).toBe('$10,000');
  });

  it('puts the sign before the symbol, drops it on zero, and marks a missing amount', () => {
    expect(formatMoney('-150000.00', 'INR')).toBe('-₹1,50,000');
    expect(formatMoney('-12.5', 'USD')).toBe('-$12.50');
    expect(formatMoney('-0.001', 'USD')).toBe('$0.00');
    expect(formatMoney(null, 'USD')).toBe('–');
    expect(moneyCell(null, 'USD')).toBeNull();
    expect(moneyCell('5', 'USD')).toBe('$5.00');
  });

  it('groups counts as the seller’s amounts are grouped', () => {
    expect(formatCount(124800, 'INR')).toBe('1,24,800');
    expect(formatCount(124800, 'USD')).toBe('124,800');
    expect(formatCount(999, 'INR')).toBe('999');
    expect(formatCount(-1500, 'USD')).toBe('-1,500');
  });
});

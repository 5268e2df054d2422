import { describe, expect, it } from 'vitest';
import { addDecimal, multiplyDecimal } from '../../src/currency/decimal.ts';
import { flipkartOrderStatus, mapFlipkartOrder } from '../../src/marketplaces/flipkart/flipkart-order-mapper.ts';

const item = (n: number, status: string, overrides: Record<string, unknown> = {}) => ({
  item: {
    orderItemId: `2300000000000000${n}`,
    orderId: 'OD100000000000000000',
    orderDate: '2026-10-01T08:00:00.000Z',
    cancellationDate: status === 'CANCELLED' ? '2026-10-01T09:00:00.000Z' : null,
    status,
    quantity: 2,
    sku: ' kurta_blue m ',
    listingId: `LST${n}`,
    title: 'Blue kurta',
    priceComponents: { totalPrice: 1299.5, sellingPrice: 1299.5 },
    ...overrides,
  },
  shipmentUpdatedAt: `2026-10-0${n + 1}T10:00:00.000Z`,
});

describe('Flipkart order status from item states', () => {
  it.each([
    [['CANCELLED', 'CANCELLED'], 'CANCELLED'],
    [['APPROVED'], 'CONFIRMED'],
    [['PACKED', 'CANCELLED'], 'CONFIRMED'],
    [['READY_TO_DISPATCH', 'SHIPPED'], 'SHIPPED'],
    [['PICKUP_COMPLETE'], 'SHIPPED'],
    [['DELIVERED', 'CANCELLED'], 'DELIVERED'],
    [['DELIVERED', 'RETURN_REQUESTED'], 'DELIVERED'],
    [['COMPLETED', 'RETURNED'], 'DELIVERED'],
    [['RETURNED', 'CANCELLED'], 'RETURNED'],
    [['RETURNED'], 'RETURNED'],
  ])('%j → %s', (states, status) => {
    expect(flipkartOrderStatus(states)).toBe(status);
  });
});

describe('Flipkart order mapping', () => {
  it('folds the items of an order from several shipments into one order row', () => {
    const mapped = mapFlipkartOrder('OD100000000000000000', [item(2, 'DELIVERED'), item(1, 'RETURN_REQUESTED')]);
    if (!('row' in mapped)) throw new Error(mapped.quarantined.reason);
    expect(mapped.row).toMatchObject({
      externalOrderId: 'OD100000000000000000',
      status: 'DELIVERED',
      sourceStatus: 'DELIVERED+RETURN_REQUESTED',
      currency: 'INR',
      totalAmount: '2599.0',
      hasReturn: true,
      sourceUpdatedAt: new Date('2026-10-03T10:00:00.000Z'),
      orderedAt: new Date('2026-10-01T08:00:00.000Z'),
    });
    expect(mapped.row.items.map((i) => [i.externalItemId, i.sourceStatus, i.unitPrice, i.normalizedSku])).toEqual([
      ['23000000000000001', 'RETURN_REQUESTED', '649.7500', 'KURTA-BLUE-M'],
      ['23000000000000002', 'DELIVERED', '649.7500', 'KURTA-BLUE-M'],
    ]);
  });

  it('marks cancelled and returned items, and dates a cancelled order', () => {
    const mapped = mapFlipkartOrder('OD1', [item(1, 'CANCELLED'), item(2, 'CANCELLED')]);
    if (!('row' in mapped)) throw new Error('quarantined');
    expect(mapped.row.status).toBe('CANCELLED');
    expect(mapped.row.cancelledAt).toEqual(new Date('2026-10-01T09:00:00.000Z'));
    expect(mapped.row.items.every((i) => i.isCancelled)).toBe(true);
    const returned = mapFlipkartOrder('OD2', [item(1, 'RETURNED')]);
    if (!('row' in returned)) throw new Error('quarantined');
    expect(returned.row.items[0]).toMatchObject({ isReturned: true, returnedQuantity: 2 });
  });

  it('quarantines an order with an unreadable item, naming the field', () => {
    const bad = [item(1, 'DELIVERED'), item(2, 'DELIVERED', { priceComponents: { totalPrice: '1299' } })];
    expect(mapFlipkartOrder('OD3', bad)).toMatchObject({
      quarantined: { externalId: 'OD3', reason: expect.stringMatching(/priceComponents\.totalPrice/) },
    });
    expect(mapFlipkartOrder('OD4', [item(1, 'DELIVERED', { orderDate: '31/10/2026' })])).toMatchObject({
      quarantined: { reason: expect.stringMatching(/orderDate/) },
    });
    expect(mapFlipkartOrder('OD5', [item(1, 'DELIVERED', { priceComponents: { totalPrice: 1e-7 } })])).toMatchObject({
      quarantined: { reason: expect.stringMatching(/rupees/) },
    });
    expect(mapFlipkartOrder('OD6', [{ ...item(1, 'DELIVERED'), shipmentUpdatedAt: null }])).toMatchObject({
      quarantined: { reason: expect.stringMatching(/updatedAt/) },
    });
  });
});

describe('decimal arithmetic', () => {
  it('adds and multiplies exactly', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('1299.5', '-1300')).toBe('-0.5');
    expect(addDecimal('99999999999999.99', '0.01')).toBe('100000000000000.00');
    expect(multiplyDecimal('19.99', 3)).toBe('59.97');
    expect(multiplyDecimal('0.10', 7)).toBe('0.70');
    expect(multiplyDecimal('1500', 2)).toBe('3000');
    expect(multiplyDecimal('-2.5', 3)).toBe('-7.5');
  });
});

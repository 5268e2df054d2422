import { describe, expect, it } from 'vitest';
import { mapShopifyOrder } from '../../src/marketplaces/shopify/shopify-order-mapper.ts';

const order = {
  id: 'gid://shopify/Order/1',
  name: '#1001',
  createdAt: '2026-10-01T10:00:00Z',
  updatedAt: '2026-10-20T10:00:00Z',
  displayFinancialStatus: 'PAID',
  displayFulfillmentStatus: 'FULFILLED',
  returnStatus: 'RETURNED',
  totalPriceSet: { shopMoney: { amount: '50.00', currencyCode: 'USD' } },
  fulfillments: [{ createdAt: '2026-10-02T10:00:00Z', deliveredAt: '2026-10-04T10:00:00Z' }],
};
const line = (n: number, quantity: number) => ({
  id: `gid://shopify/LineItem/${n}`,
  title: `Kurta ${n}`,
  quantity,
  sku: `K-${n}`,
  originalUnitPriceSet: { shopMoney: { amount: '10.00', currencyCode: 'USD' } },
});
const returned = (status: string, lines: [number, number][], closedAt?: string) => ({
  id: `gid://shopify/Return/${status}`,
  status,
  closedAt: closedAt ?? null,
  returnLineItems: lines.map(([n, quantity]) => ({
    id: `gid://shopify/ReturnLineItem/${n}`,
    quantity,
    fulfillmentLineItem: { lineItem: { id: `gid://shopify/LineItem/${n}` } },
  })),
});

describe('Shopify returns on order lines', () => {
  it('count the units of closed returns per line, never more than the line sold, dated by the last return to close', () => {
    const mapped = mapShopifyOrder(
      order,
      [line(1, 2), line(2, 1), line(3, 1)],
      [
        returned('CLOSED', [[1, 1]], '2026-10-12T08:00:00Z'),
        returned(
          'CLOSED',
          [
            [1, 1],
            [2, 3],
          ],
          '2026-10-15T09:30:00+05:30',
        ),
        // asked for, not back yet: no units
        returned('REQUESTED', [[3, 1]]),
      ],
    );
    if (!('row' in mapped)) throw new Error(mapped.quarantined.reason);
    expect(mapped.row.status).toBe('RETURNED');
    expect(mapped.row.items.map((i) => [i.returnedQuantity, i.isReturned])).toEqual([
      [2, true],
      [1, true],
      [0, false],
    ]);
    // the day the units came back is what a return spike is counted by
    expect(mapped.row.items.map((i) => i.returnedAt?.toISOString() ?? null)).toEqual([
      '2026-10-15T04:00:00.000Z',
      '2026-10-15T04:00:00.000Z',
      null,
    ]);
  });

  it('quarantine an order whose return cannot be read, with the reason', () => {
    const mapped = mapShopifyOrder(order, [line(1, 1)], [{ status: 'CLOSED', returnLineItems: [{ quantity: 'one' }] }]);
    expect('quarantined' in mapped && mapped.quarantined.reason).toMatch(/^return: returnLineItems\.0\.quantity/);
  });
});

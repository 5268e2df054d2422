/**
 * RELIABILITY C1, Amazon: Amazon's policy allows buyer PII for 30 days at most. ShopIQ
 * keeps none, so there is nothing to purge: an order that arrives with the buyer's
 * name, e-mail and address (a report with buyer columns, a searchOrders answer with
 * BUYER and RECIPIENT data) maps to a row that holds none of them, and a quarantined
 * one keeps none of them for the operator either.
 */
import { describe, expect, it } from 'vitest';
import { mapApiOrder, mapReportOrder } from '../../src/marketplaces/amazon/amazon-order-mapper.ts';

const NAME = 'Meera Raghunathan';
const EMAIL = 'meera.r@marketplace.amazon.in';
const PHONE = '+91 98450 12345';
const STREET = '14 Lavelle Road';

const reportRow = {
  'amazon-order-id': '171-0000001-0000001',
  'purchase-date': '2026-10-20T05:00:00+00:00',
  'last-updated-date': '2026-10-21T05:00:00+00:00',
  'order-status': 'Shipped',
  'fulfillment-channel': 'Amazon',
  'product-name': 'Hand-block printed kurta',
  sku: 'KURTA-BLUE',
  asin: 'B0TESTASIN',
  'item-status': 'Shipped',
  quantity: '1',
  currency: 'INR',
  'item-price': '899.00',
  'buyer-name': NAME,
  'buyer-email': EMAIL,
  'buyer-phone-number': PHONE,
  'recipient-name': NAME,
  'ship-address-1': STREET,
  'ship-city': 'Bengaluru',
  'ship-postal-code': '560001',
};

const apiOrder = {
  orderId: '171-0000001-0000002',
  createdTime: '2026-10-20T05:00:00Z',
  lastUpdatedTime: '2026-10-21T05:00:00Z',
  fulfillment: { fulfillmentStatus: 'SHIPPED', fulfilledBy: 'MERCHANT' },
  buyer: { buyerName: NAME, buyerEmail: EMAIL, buyerCompanyName: null },
  recipient: { deliveryAddress: { name: NAME, addressLine1: STREET, city: 'Bengaluru', phone: PHONE } },
  orderItems: [
    {
      orderItemId: '1',
      quantityOrdered: 1,
      product: {
        asin: 'B0TESTASIN',
        sellerSku: 'KURTA-BLUE',
        title: 'Kurta',
        price: { unitPrice: { amount: '899.00', currencyCode: 'INR' } },
      },
    },
  ],
  packages: [{ packageStatus: { status: 'DELIVERED' } }],
};

describe('Amazon buyer data', () => {
  it('C1: an order carrying the buyer’s name, e-mail, phone and address is stored with none of them', () => {
    for (const mapped of [mapReportOrder(reportRow['amazon-order-id'], [reportRow]), mapApiOrder(apiOrder)]) {
      if (!('row' in mapped)) throw new Error(`quarantined: ${mapped.quarantined.reason}`);
      expect(mapped.row).toMatchObject({ externalOrderId: expect.any(String), totalAmount: '899.00' });
      const stored = JSON.stringify(mapped.row);
      for (const pii of [NAME, EMAIL, PHONE, STREET]) expect(stored).not.toContain(pii);
    }
  });

  it('C1: an order quarantined from the report keeps its read columns for the operator, not the buyer’s', () => {
    const mapped = mapReportOrder(reportRow['amazon-order-id'], [{ ...reportRow, 'item-price': 'n/a' }]);
    if (!('quarantined' in mapped)) throw new Error('a row without a price was loaded');
    const kept = JSON.stringify(mapped.quarantined.payload);
    expect(kept).toContain('"item-price":"n/a"');
    for (const pii of [NAME, EMAIL, PHONE, STREET, '560001']) expect(kept).not.toContain(pii);
  });
});

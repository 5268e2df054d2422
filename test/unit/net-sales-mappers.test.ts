/**
 * Issue 17, item 3: "which marketplace sells more" must compare the same thing. Each
 * mapper stores revenue as net sales (the items after their discounts, before shipping
 * and tax) and, beside it, the total the buyer paid, from each source's own fields.
 */
import { describe, expect, it } from 'vitest';
import { mapApiOrder, mapReportOrder } from '../../src/marketplaces/amazon/amazon-order-mapper.ts';
import { mapFlipkartOrder } from '../../src/marketplaces/flipkart/flipkart-order-mapper.ts';
import { mapShopifyOrder } from '../../src/marketplaces/shopify/shopify-order-mapper.ts';
import type { OrderRow } from '../../src/sync/unified-rows.ts';
import { decimalText } from '../support/sync-harness.ts';

function rowOf(mapped: { row: OrderRow } | { quarantined: { reason: string } }): OrderRow {
  if (!('row' in mapped)) throw new Error(mapped.quarantined.reason);
  return mapped.row;
}
/** The money of a row, decimals written the same way ("39.9900" = "39.99"). */
const money = (row: OrderRow) => ({
  revenue: decimalText(row.netSales),
  collected: decimalText(row.totalAmount),
  shipping: row.shippingAmount === null ? null : decimalText(row.shippingAmount),
  tax: row.taxAmount === null ? null : decimalText(row.taxAmount),
  discounts: row.discountAmount === null ? null : decimalText(row.discountAmount),
});

const usd = (amount: string) => ({ amount, currencyCode: 'USD' });

describe('Amazon revenue is the items after promotions, without tax or shipping', () => {
  // Amazon's own published example (orders_2026-01-01.json, searchOrders with PROCEEDS):
  // one Echo Pop at 39.99, tax 10.00, a grand total of 49.99
  const published = {
    orderId: '333-1234567-7654321',
    createdTime: '2025-01-01T10:00:00Z',
    lastUpdatedTime: '2025-01-01T11:00:00Z',
    salesChannel: { channelName: 'AMAZON', marketplaceId: 'ATVPDKIKX0DER', marketplaceName: 'Amazon.com' },
    proceeds: { grandTotal: usd('49.99') },
    fulfillment: { fulfillmentStatus: 'UNSHIPPED', fulfilledBy: 'MERCHANT', fulfillmentServiceLevel: 'STANDARD' },
    orderItems: [
      {
        orderItemId: '11498765431234',
        quantityOrdered: 1,
        product: {
          asin: 'B0BSHF7WHW',
          title: 'All-new Echo Pop | Full sound compact smart speaker with Alexa',
          sellerSku: 'ECHO-POP-US-BLK',
          price: { unitPrice: usd('39.99') },
        },
        proceeds: {
          proceedsTotal: usd('49.99'),
          breakdowns: [
            { type: 'ITEM', subtotal: usd('39.99') },
            { type: 'TAX', subtotal: usd('10.00') },
          ],
        },
        fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: 1 },
      },
    ],
  };

  it('Amazon’s published order: revenue 39.99, total collected 49.99 (tax 10.00 kept apart)', () => {
    const row = rowOf(mapApiOrder(published));
    expect(money(row)).toMatchObject({ revenue: '39.99', collected: '49.99', tax: '10' });
    expect(decimalText(row.items[0]?.netSales ?? '')).toBe('39.99');
  });

  it('takes promotions off the items and adds shipping and its tax to what the buyer paid', () => {
    const order = structuredClone(published);
    const item = order.orderItems[0] as (typeof order.orderItems)[number];
    item.quantityOrdered = 2;
    item.proceeds = {
      proceedsTotal: usd('87.76'),
      breakdowns: [
        { type: 'ITEM', subtotal: usd('79.98') },
        { type: 'DISCOUNT', subtotal: usd('-8.00') },
        { type: 'SHIPPING', subtotal: usd('5.99') },
        { type: 'TAX', subtotal: usd('9.79') },
      ],
    };
    const row = rowOf(mapApiOrder(order));
    expect(money(row)).toEqual({ revenue: '71.98', collected: '87.76', shipping: '5.99', tax: '9.79', discounts: '8' });
    expect(row.itemSales && decimalText(row.itemSales)).toBe('79.98');
  });

  it('reads the same parts from the all-orders report (item price for the quantity, promotions negative)', () => {
    const line = {
      'amazon-order-id': '111-0000001-0000001',
      'purchase-date': '2026-10-20T05:00:00+00:00',
      'last-updated-date': '2026-10-21T05:00:00+00:00',
      'order-status': 'Shipped',
      'fulfillment-channel': 'Amazon',
      'product-name': 'Kurta',
      asin: 'B0TESTASIN',
      'item-status': 'Shipped',
      currency: 'USD',
    };
    const row = rowOf(
      mapReportOrder('111-0000001-0000001', [
        {
          ...line,
          sku: 'KURTA-BLUE',
          quantity: '2',
          'item-price': '79.98',
          'item-tax': '6.60',
          'shipping-price': '5.99',
          'shipping-tax': '0.49',
          'item-promotion-discount': '-8.00',
          'ship-promotion-discount': '0.00',
        },
        {
          ...line,
          sku: 'SCARF-RED',
          quantity: '1',
          'item-price': '20.00',
          'item-tax': '1.65',
          'shipping-price': '0.00',
          'shipping-tax': '0.00',
          'item-promotion-discount': '0.00',
          'ship-promotion-discount': '0.00',
        },
      ]),
    );
    expect(money(row)).toEqual({
      revenue: '91.98',
      collected: '106.71',
      shipping: '5.99',
      tax: '8.74',
      discounts: '8',
    });
    expect(row.items.map((i) => decimalText(i.netSales))).toEqual(['71.98', '20']);
  });
});

describe('Shopify revenue is the subtotal after discounts, without tax or shipping', () => {
  const order = {
    id: 'gid://shopify/Order/7',
    name: '#1007',
    createdAt: '2026-10-01T10:00:00Z',
    updatedAt: '2026-10-02T10:00:00Z',
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    returnStatus: 'NO_RETURN',
    taxesIncluded: false,
    subtotalPriceSet: { shopMoney: usd('90.00') },
    totalDiscountsSet: { shopMoney: usd('10.00') },
    totalShippingPriceSet: { shopMoney: usd('5.99') },
    totalTaxSet: { shopMoney: usd('7.92') },
    totalPriceSet: { shopMoney: usd('103.91') },
    fulfillments: [],
  };
  const line = (n: number, unit: string, quantity: number, discounted: string) => ({
    id: `gid://shopify/LineItem/${n}`,
    title: `Kurta ${n}`,
    quantity,
    sku: `K-${n}`,
    originalUnitPriceSet: { shopMoney: usd(unit) },
    originalTotalSet: { shopMoney: usd((Number(unit) * quantity).toFixed(2)) },
    discountedTotalSet: { shopMoney: usd(discounted) },
  });

  it('an order with a discount, shipping and tax: revenue 90.00, total collected 103.91', () => {
    const row = rowOf(mapShopifyOrder(order, [line(1, '25.00', 2, '40.00'), line(2, '50.00', 1, '50.00')]));
    expect(money(row)).toEqual({ revenue: '90', collected: '103.91', shipping: '5.99', tax: '7.92', discounts: '10' });
    // product revenue per line: the line after its discounts
    expect(row.items.map((i) => [decimalText(i.totalPrice), decimalText(i.netSales)])).toEqual([
      ['50', '40'],
      ['50', '50'],
    ]);
  });

  it('a discount code counts against each line’s revenue, though Shopify’s discountedTotalSet leaves it out', () => {
    // 10% off with a code: 9.00 of it on line 1 (which also had 5.00 off by itself), 5.00 on line 2
    const allocated = (...amounts: string[]) => amounts.map((a) => ({ allocatedAmountSet: { shopMoney: usd(a) } }));
    const lines = [
      { ...line(1, '50.00', 2, '95.00'), discountAllocations: allocated('5.00', '9.00') },
      { ...line(2, '50.00', 1, '50.00'), discountAllocations: allocated('5.00') },
    ];
    const coded = {
      ...order,
      subtotalPriceSet: { shopMoney: usd('131.00') },
      totalDiscountsSet: { shopMoney: usd('19.00') },
      totalTaxSet: { shopMoney: usd('10.81') },
      totalPriceSet: { shopMoney: usd('147.80') },
    };
    const row = rowOf(mapShopifyOrder(coded, lines));
    expect(money(row)).toMatchObject({ revenue: '131', collected: '147.8', discounts: '19' });
    expect(row.items.map((i) => decimalText(i.netSales))).toEqual(['86', '45']);
  });

  it('a shop whose prices include tax: the tax comes off the subtotal', () => {
    const included = {
      ...order,
      taxesIncluded: true,
      subtotalPriceSet: { shopMoney: usd('108.00') },
      totalTaxSet: { shopMoney: usd('18.00') },
      totalShippingPriceSet: { shopMoney: usd('0.00') },
      totalPriceSet: { shopMoney: usd('108.00') },
    };
    const row = rowOf(mapShopifyOrder(included, [line(1, '54.00', 2, '108.00')]));
    expect(money(row)).toMatchObject({ revenue: '90', collected: '108', tax: '18' });
  });
});

describe('Flipkart revenue is the items’ selling price, without the shipping charge', () => {
  const item = (n: number, status: string, selling: number, shipping: number) => ({
    item: {
      orderItemId: `2300000000000000${n}`,
      orderId: 'OD200000000000000000',
      orderDate: '2026-10-01T08:00:00.000Z',
      cancellationDate: status === 'CANCELLED' ? '2026-10-01T09:00:00.000Z' : null,
      status,
      quantity: 1,
      sku: `SKU-${n}`,
      listingId: `LST${n}`,
      title: 'Blue kurta',
      priceComponents: {
        sellingPrice: selling,
        shippingCharge: shipping,
        totalPrice: selling + shipping,
        customerPrice: selling + shipping - 50,
        flipkartDiscount: 50,
      },
    },
    shipmentUpdatedAt: '2026-10-02T10:00:00.000Z',
  });

  it('revenue is sellingPrice, total collected totalPrice (= sellingPrice + shippingCharge); Flipkart’s own discount is not the seller’s', () => {
    const row = rowOf(
      mapFlipkartOrder('OD200000000000000000', [item(1, 'DELIVERED', 899, 40), item(2, 'DELIVERED', 499, 0)]),
    );
    expect(money(row)).toMatchObject({ revenue: '1398', collected: '1438', shipping: '40' });
    expect(row.items.map((i) => decimalText(i.netSales))).toEqual(['899', '499']);
  });

  it('a line the seller cancelled is no sale: it counts in neither figure', () => {
    const row = rowOf(
      mapFlipkartOrder('OD200000000000000000', [item(1, 'DELIVERED', 899, 40), item(2, 'CANCELLED', 499, 0)]),
    );
    expect(money(row)).toMatchObject({ revenue: '899', collected: '939' });
  });
});

/**
 * The flat files (tab-separated, header row first) of the report types the sandbox
 * serves, produced row by row so a report over a million orders streams through gzip
 * without being held in memory. Column names follow Amazon's report attribute lists.
 */

import { type Lifecycle, updatedAt } from '../world/lifecycle.ts';
import type { StoreDef } from '../world/stores.ts';
import type { SandboxWorld } from '../world/world.ts';
import { amazonOrderId, asinOf, digitsFor, fnSkuOf, orderIsFba, pickFor } from './amazon-ids.ts';
import {
  amount,
  iso,
  itemMoney,
  MARKETPLACE_NAMES,
  orderStatus,
  orderTotalMinor,
  returnedLine,
} from './amazon-records.ts';

type Rows = (world: SandboxWorld, store: StoreDef, fromMs: number, toMs: number) => Generator<string[]>;

export interface ReportType {
  header: string[];
  rows: Rows;
  /** Longest data window the type accepts; longer ones end FATAL. */
  maxDays?: number;
}

const ALL_ORDERS_HEADER = [
  'amazon-order-id',
  'merchant-order-id',
  'purchase-date',
  'last-updated-date',
  'order-status',
  'fulfillment-channel',
  'sales-channel',
  'order-channel',
  'ship-service-level',
  'product-name',
  'sku',
  'asin',
  'item-status',
  'quantity',
  'currency',
  'item-price',
  'item-tax',
  'shipping-price',
  'shipping-tax',
  'gift-wrap-price',
  'gift-wrap-tax',
  'item-promotion-discount',
  'ship-promotion-discount',
  'ship-city',
  'ship-state',
  'ship-postal-code',
  'ship-country',
  'promotion-ids',
  'is-business-order',
  'purchase-order-number',
  'price-designation',
];
const MERCHANT_RETURNS_HEADER = [
  'Order ID',
  'Order date',
  'Return request date',
  'Return request status',
  'Amazon RMA ID',
  'Merchant RMA ID',
  'Label type',
  'Label cost',
  'Currency code',
  'Return carrier',
  'Tracking ID',
  'Label to be paid by',
  'A-to-Z Claim',
  'Is prime',
  'ASIN',
  'Merchant SKU',
  'Item Name',
  'Return quantity',
  'Return Reason',
  'In policy',
  'Return type',
  'Resolution',
  'Invoice number',
  'Return delivery date',
  'Order Amount',
  'Order quantity',
  'SafeT Action reason',
  'SafeT claim id',
  'SafeT claim state',
  'SafeT claim creation time',
  'SafeT claim reimbursement amount',
  'Refunded Amount',
];
const FBA_RETURNS_HEADER = [
  'return-date',
  'order-id',
  'sku',
  'asin',
  'fnsku',
  'product-name',
  'quantity',
  'fulfillment-center-id',
  'detailed-disposition',
  'reason',
  'status',
  'license-plate-number',
  'customer-comments',
];
const COUNTRY: Record<string, string> = { US: 'US', IN: 'IN', UK: 'GB' };
const RETURN_REASONS = [
  'CR-UNWANTED_ITEM',
  'CR-DEFECTIVE',
  'CR-ORDERED_WRONG_ITEM',
  'AMZ-PG-APP-TOO-SMALL',
  'CR-QUALITY_UNACCEPTABLE',
];
const FBA_REASONS = ['UNWANTED_ITEM', 'DEFECTIVE', 'NOT_AS_DESCRIBED', 'APPAREL_TOO_SMALL', 'ORDERED_WRONG_ITEM'];
const CENTERS: Record<string, string[]> = {
  US: ['PHX7', 'ONT8', 'BFI4'],
  IN: ['BLR7', 'DEL4', 'BOM5'],
  UK: ['LTN1', 'EUK5', 'MAN1'],
};

/** Flat-file timestamps carry an explicit offset. */
function flatTime(ms: number): string {
  return iso(ms).replace(/Z$/, '+00:00');
}

/** One row per order item, by last-updated time in the window. */
function* allOrdersRows(world: SandboxWorld, store: StoreDef, fromMs: number, toMs: number): Generator<string[]> {
  const code = store.amazonMarketplace?.code ?? 'US';
  for (const order of world.orders(store.key).byUpdated({ fromMs, toMs })) {
    const status = orderStatus(order, store);
    const fba = orderIsFba(store, order);
    const orderStatusText = flatOrderStatus(order, store, fba);
    const itemStatus = status === 'Canceled' ? 'Cancelled' : status === 'Shipped' ? 'Shipped' : 'Unshipped';
    const zero = amount(0);
    for (const m of itemMoney(order, store)) {
      const { line } = m;
      yield [
        amazonOrderId(store, order),
        '',
        flatTime(order.placedAt),
        flatTime(updatedAt(order)),
        orderStatusText,
        fba ? 'Amazon' : 'Merchant',
        MARKETPLACE_NAMES[code] ?? '',
        '',
        'Standard',
        line.listing.title,
        line.listing.sku ?? '',
        asinOf(store, line.product),
        itemStatus,
        String(line.quantity),
        store.currency,
        amount(m.itemPriceMinor),
        amount(m.itemTaxMinor),
        amount(m.shippingPriceMinor),
        amount(m.shippingTaxMinor),
        '',
        '',
        // promotions are written as negative amounts: they take away from the price
        amount(-m.promotionDiscountMinor),
        zero,
        '',
        '',
        '',
        COUNTRY[code] ?? '',
        '',
        'false',
        '',
        '',
      ];
    }
  }
}

function flatOrderStatus(order: Lifecycle, store: StoreDef, fba: boolean): string {
  const status = orderStatus(order, store);
  if (status === 'Canceled') return 'Cancelled';
  if (status === 'PendingAvailability') return 'Pending';
  if (status !== 'Shipped' || fba) return status;
  return order.deliveredAt !== null ? 'Shipped - Delivered to Buyer' : 'Shipped';
}

/** Merchant-fulfilled returns, by return request date. */
function* merchantReturnRows(world: SandboxWorld, store: StoreDef, fromMs: number, toMs: number): Generator<string[]> {
  for (const order of world.orders(store.key).byUpdated({ fromMs })) {
    if (orderIsFba(store, order)) continue;
    const ret = returnedLine(order, store);
    if (!ret || ret.at < fromMs || ret.at > toMs) continue;
    const { line } = ret;
    const refunded = order.refundedAt !== null ? amount(order.refundMinor) : '';
    yield [
      amazonOrderId(store, order),
      flatTime(order.placedAt),
      flatTime(ret.at),
      order.returnedAt !== null ? 'Closed' : 'Approved',
      `D${digitsFor(8, store.key, order.index, 'rma')}`,
      '',
      'AmazonUnPaidLabel',
      '',
      store.currency,
      '',
      '',
      'Customer',
      'N',
      'N',
      asinOf(store, line.product),
      line.listing.sku ?? '',
      line.listing.title,
      String(line.quantity),
      pickFor(RETURN_REASONS, store, order, 'reason'),
      'Y',
      'C-Returns',
      'StandardRefund',
      '',
      order.returnedAt !== null ? flatTime(order.returnedAt) : '',
      amount(orderTotalMinor(order, store)),
      String(order.lines.reduce((n, l) => n + l.quantity, 0)),
      '',
      '',
      '',
      '',
      '',
      refunded,
    ];
  }
}

/** Units Amazon's fulfillment centres received back, by return date. */
function* fbaReturnRows(world: SandboxWorld, store: StoreDef, fromMs: number, toMs: number): Generator<string[]> {
  const code = store.amazonMarketplace?.code ?? 'US';
  for (const order of world.orders(store.key).byUpdated({ fromMs })) {
    if (!orderIsFba(store, order)) continue;
    const ret = returnedLine(order, store);
    if (!ret || ret.at < fromMs || ret.at > toMs) continue;
    const { line } = ret;
    yield [
      flatTime(ret.at),
      amazonOrderId(store, order),
      line.listing.sku ?? '',
      asinOf(store, line.product),
      fnSkuOf(store, line.product),
      line.listing.title,
      String(line.quantity),
      pickFor(CENTERS[code] ?? ['PHX7'], store, order, 'center'),
      'SELLABLE',
      pickFor(FBA_REASONS, store, order, 'reason'),
      'Unit returned to inventory',
      `LPN${digitsFor(10, store.key, order.index, 'lpn')}`,
      '',
    ];
  }
}

export const REPORT_TYPES: Record<string, ReportType> = {
  GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL: { header: ALL_ORDERS_HEADER, rows: allOrdersRows, maxDays: 30 },
  GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE: { header: MERCHANT_RETURNS_HEADER, rows: merchantReturnRows, maxDays: 60 },
  GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA: { header: FBA_RETURNS_HEADER, rows: fbaReturnRows },
};

/** The file as text chunks of about 64 KB: header, then one line per row. */
export function* tsvChunks(type: ReportType, rows: Iterable<string[]>): Generator<string> {
  let chunk = `${type.header.join('\t')}\n`;
  for (const row of rows) {
    chunk += `${row.map(cell).join('\t')}\n`;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function cell(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ');
}

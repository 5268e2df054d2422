/**
 * Flipkart's own records of a sandbox order: one shipment per order holding all its
 * lines as order items, each with its own state. The API and the ground truth both
 * render through here, so they cannot disagree.
 *
 * Item states from the lifecycle: cancelled → CANCELLED; delivered → DELIVERED, except
 * the returned line: RETURN_REQUESTED, then RETURNED; shipped → SHIPPED (a quarter
 * PICKUP_COMPLETE); not shipped → APPROVED, PACKING_IN_PROGRESS, PACKED, FORM_FAILED or
 * READY_TO_DISPATCH. The sandbox has no packing steps, so the stage is a fixed draw per
 * order rather than its age: it must not move with the clock, or the truth (which has no
 * clock) would drift from the API. A tenth of multi-line orders lose one line (never
 * the returned one) to a seller cancellation when placed: states differ within an order.
 * Draws are keyed by the seller id, which the seed decides.
 */
import type { OrderLine } from '../world/lifecycle.ts';
import { type Lifecycle, STEP_FIELDS, updatedAt } from '../world/lifecycle.ts';
import { orderMoney } from '../world/order-money.ts';
import { hashKeys, Random } from '../world/random.ts';
import type { StoreDef } from '../world/stores.ts';
import {
  flipkartOrderId,
  flipkartOrderItemId,
  fsnOf,
  listingIdOf,
  locationIdOf,
  returnIdOf,
  shipmentIdOf,
  trackingIdOf,
} from './flipkart-ids.ts';

export const PRE_DISPATCH_STATES = [
  'APPROVED',
  'PACKING_IN_PROGRESS',
  'PACKED',
  'FORM_FAILED',
  'READY_TO_DISPATCH',
] as const;
export const POST_DISPATCH_STATES = ['SHIPPED', 'DELIVERED', 'PICKUP_COMPLETE'] as const;
export const CANCELLATION_TYPES = ['sellerCancellation', 'buyerCancellation', 'marketplaceCancellation'] as const;

export type ItemState =
  | (typeof PRE_DISPATCH_STATES)[number]
  | (typeof POST_DISPATCH_STATES)[number]
  | 'CANCELLED'
  | 'RETURN_REQUESTED'
  | 'RETURNED';
export type CancellationType = (typeof CANCELLATION_TYPES)[number];
export type FilterType = 'preDispatch' | 'postDispatch' | 'cancelled';

export interface FlipkartItem {
  line: OrderLine;
  status: ItemState;
  cancelledAt: number | null;
  cancellationType: CancellationType | null;
}

const HOUR = 3_600_000;
/** Dispatch SLA: dispatch-by is this long after the order (so it sorts like the order date). */
export const DISPATCH_SLA_MS = 48 * HOUR;

export function flipkartItems(order: Lifecycle, store: StoreDef): FlipkartItem[] {
  const solo = soloCancelledLine(order, store);
  const draw = (what: string) => hashKeys(store.accountId, order.index, order.placedAt, what) % 100;
  return order.lines.map((line): FlipkartItem => {
    if (line.line === solo)
      return { line, status: 'CANCELLED', cancelledAt: order.placedAt, cancellationType: 'sellerCancellation' };
    if (order.cancelledAt !== null) {
      const pick = draw('fk-cancel-type');
      const cancellationType =
        pick < 60 ? 'buyerCancellation' : pick < 85 ? 'marketplaceCancellation' : 'sellerCancellation';
      return { line, status: 'CANCELLED', cancelledAt: order.cancelledAt, cancellationType };
    }
    return { line, status: liveState(order, line, draw), cancelledAt: null, cancellationType: null };
  });
}

function liveState(order: Lifecycle, line: OrderLine, draw: (what: string) => number): ItemState {
  if (order.shippedAt === null) {
    if (order.paymentMethod === 'PREPAID' && order.paidAt === null) return 'APPROVED';
    const stage = draw('fk-stage');
    if (stage < 40) return 'APPROVED';
    if (stage < 60) return 'PACKING_IN_PROGRESS';
    if (stage < 78) return 'PACKED';
    if (stage < 80) return 'FORM_FAILED';
    return 'READY_TO_DISPATCH';
  }
  if (order.deliveredAt === null) return draw('fk-pickup') < 25 ? 'PICKUP_COMPLETE' : 'SHIPPED';
  if (line.line === order.returnLine && order.returnedAt !== null) return 'RETURNED';
  if (line.line === order.returnLine && order.returnRequestedAt !== null) return 'RETURN_REQUESTED';
  return 'DELIVERED';
}

/** The line a seller cancelled on its own (0: none). */
function soloCancelledLine(order: Lifecycle, store: StoreDef): number {
  if (order.lines.length < 2) return 0;
  const r = new Random(store.accountId, store.key, order.index, 'fk-line-cancel');
  if (!r.chance(0.1)) return 0;
  const others = order.lines.filter((l) => l.line !== order.returnLine);
  return r.pick(others).line;
}

/** Which filter type finds an item. Returned items were delivered: the DELIVERED state finds them. */
export function filterTypeOf(status: ItemState): FilterType {
  if (status === 'CANCELLED') return 'cancelled';
  return (PRE_DISPATCH_STATES as readonly string[]).includes(status) ? 'preDispatch' : 'postDispatch';
}

export function filterStateOf(status: ItemState): string {
  return status === 'RETURN_REQUESTED' || status === 'RETURNED' ? 'DELIVERED' : status;
}

/** The order as it stood at `t`: later steps not yet happened (a consistent snapshot for paging). */
export function asOf(order: Lifecycle, t: number): Lifecycle {
  if (updatedAt(order) <= t) return order;
  const past: Lifecycle = { ...order };
  for (const f of STEP_FIELDS) if (f !== 'placedAt' && (past[f] ?? 0) > t) past[f] = null;
  return past;
}

export interface ItemMoney {
  /** The seller's price for the item's quantity, after the seller's discount (GST inside). */
  sellingMinor: number;
  /** The order's shipping, charged on its first item still live (the first item when none is). */
  shippingMinor: number;
  /** sellingPrice + shippingCharge. */
  totalMinor: number;
  /** Funded by Flipkart: the buyer pays less (customerPrice), the seller's totalPrice does not drop. */
  discountMinor: number;
}

/** Each item's price components, by line number. */
export function itemMoney(store: StoreDef, order: Lifecycle): Map<number, ItemMoney> {
  const parts = orderMoney(order, store);
  const items = flipkartItems(order, store);
  const shippedOn = (items.find((i) => i.status !== 'CANCELLED') ?? items[0])?.line.line;
  return new Map(
    parts.lines.map(({ line, netMinor }) => {
      const shippingMinor = line.line === shippedOn ? parts.shippingMinor : 0;
      const discounted = hashKeys(store.accountId, order.index, line.line, 'fk-discount') % 100 < 15;
      const discountMinor = discounted ? Math.round((netMinor * 0.05) / 100) * 100 : 0;
      return [
        line.line,
        { sellingMinor: netMinor, shippingMinor, totalMinor: netMinor + shippingMinor, discountMinor },
      ];
    }),
  );
}

/** INR minor units (paise) as Flipkart's rupee numbers. */
export function rupees(minor: number): number {
  return minor / 100;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** As the returns API writes dates: India time with its offset, whole seconds. */
export function istIso(ms: number): string {
  return `${new Date(ms + 5.5 * HOUR).toISOString().slice(0, 19)}+05:30`;
}

export function renderShipment(order: Lifecycle, store: StoreDef, items: readonly FlipkartItem[]) {
  const orderId = flipkartOrderId(store, order);
  const prices = itemMoney(store, order);
  return {
    shipmentId: shipmentIdOf(store, order),
    dispatchByDate: iso(order.placedAt + DISPATCH_SLA_MS),
    dispatchAfterDate: iso(order.placedAt),
    updatedAt: iso(updatedAt(order)),
    locationId: locationIdOf(store),
    hold: false,
    mps: false,
    packagingPolicy: 'DEFAULT',
    shipmentType: 'NORMAL',
    orderItems: items.map((item) => {
      const { line } = item;
      const money = prices.get(line.line) as ItemMoney;
      return {
        orderItemId: flipkartOrderItemId(store, order, line.line),
        orderId,
        orderDate: iso(order.placedAt),
        cancellationDate: item.cancelledAt === null ? null : iso(item.cancelledAt),
        paymentType: order.paymentMethod,
        status: item.status,
        quantity: line.quantity,
        fsn: fsnOf(store, line.product),
        sku: line.listing.sku,
        listingId: listingIdOf(store, line.product),
        title: line.listing.title,
        priceComponents: {
          sellingPrice: rupees(money.sellingMinor),
          totalPrice: rupees(money.totalMinor),
          shippingCharge: rupees(money.shippingMinor),
          customerPrice: rupees(money.totalMinor - money.discountMinor),
          flipkartDiscount: rupees(money.discountMinor),
        },
        serviceProfile: 'NON_FBF',
        is_replacement: false,
      };
    }),
  };
}

export type ReturnSource = 'customer_return' | 'courier_return';

const CUSTOMER_REASONS = [
  ['QUALITY_ISSUE', 'DAMAGED_PRODUCT'],
  ['SIZE_FIT_ISSUE', 'SIZE_TOO_SMALL'],
  ['NOT_AS_DESCRIBED', 'COLOR_DIFFERENT'],
  ['WRONG_PRODUCT', 'DIFFERENT_PRODUCT_DELIVERED'],
  ['NO_LONGER_NEEDED', 'ORDERED_BY_MISTAKE'],
] as const;

/**
 * The order's return, if it has one: the returned line, from the return request. About
 * one in seven comes back through the courier instead (refused at the door); the
 * record is the same apart from its source, type and reason.
 */
export function returnOf(order: Lifecycle, store: StoreDef) {
  if (order.returnRequestedAt === null) return undefined;
  const line = order.lines[order.returnLine - 1];
  if (!line) return undefined;
  const source: ReturnSource =
    hashKeys(store.accountId, order.index, 'fk-courier') % 100 < 15 ? 'courier_return' : 'customer_return';
  const createdAt = order.returnRequestedAt;
  const updatedAtMs = order.returnedAt ?? createdAt;
  return { line, source, createdAt, updatedAt: updatedAtMs };
}

export function renderReturn(order: Lifecycle, store: StoreDef, ret: NonNullable<ReturnType<typeof returnOf>>) {
  const [reason, subReason] =
    ret.source === 'courier_return'
      ? ['UNDELIVERED', 'CUSTOMER_REJECTED']
      : (CUSTOMER_REASONS[hashKeys(store.accountId, order.index, 'fk-reason') % CUSTOMER_REASONS.length] ?? []);
  return {
    returnId: returnIdOf(store, order),
    orderId: flipkartOrderId(store, order),
    orderItemId: flipkartOrderItemId(store, order, ret.line.line),
    shipmentId: shipmentIdOf(store, order),
    locationId: locationIdOf(store),
    sellerId: store.accountId,
    quantity: ret.line.quantity,
    orderDate: iso(order.placedAt),
    createdDate: istIso(ret.createdAt),
    updatedDate: istIso(ret.updatedAt),
    status: order.returnedAt === null ? 'created' : 'completed',
    type: ret.source,
    reason,
    subReason,
    courierName: 'flipkartlogistics',
    trackingId: trackingIdOf(store, order),
    serviceProfile: 'NON_FBF',
  };
}

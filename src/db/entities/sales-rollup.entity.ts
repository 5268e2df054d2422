import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ORDER_STATUSES } from '../enums.ts';
import { sellerReadPolicies } from '../seller-reader.ts';
import { tenantColumns } from './tenant-columns.ts';
import { User } from './user.entity.ts';

/**
 * A seller's orders summed per connection, local day (in the seller's timezone, see
 * SalesRollupState), UTC day (the day the USD amounts were converted on, which picks
 * the reporting-currency rate), currency and status: a month is a few hundred rows
 * instead of tens of thousands of orders. Derived data only: src/analytics/sales-rollup.ts
 * rebuilds the days that triggers on the order tables mark (SalesRollupMark).
 */
export const SalesRollup = defineEntity({
  name: 'SalesRollup',
  properties: {
    ...tenantColumns(),
    day: p.date(),
    fxDay: p.date(),
    currency: p.string().length(3),
    status: p.enum(ORDER_STATUSES),
    orders: p.integer(),
    /** Net sales (revenue), and their USD amounts where the sync had a rate. */
    sales: p.decimal('string').precision(24).scale(4),
    salesUsd: p.decimal('string').precision(24).scale(4),
    /** Orders (and their net sales) stored without a USD amount. */
    ordersWithoutUsd: p.integer(),
    salesWithoutUsd: p.decimal('string').precision(24).scale(4),
    /** Total collected (net sales + shipping + tax), in USD, and what has no USD amount. */
    collected: p.decimal('string').precision(24).scale(4),
    collectedUsd: p.decimal('string').precision(24).scale(4),
    collectedWithoutUsd: p.decimal('string').precision(24).scale(4),
    /**
     * Orders stored before ShopIQ kept net sales, waiting for their connection's next
     * sync to re-read them: counted in `orders`, left out of every amount.
     */
    ordersWithoutNetSales: p.integer(),
    refunds: p.decimal('string').precision(24).scale(4),
    /** Unrounded: the USD share of each refund, summed exactly. */
    refundsUsd: p.decimal('string').columnType('numeric'),
    /** Quantities of the lines not cancelled, and quantities returned. */
    units: p.integer(),
    returnedUnits: p.integer(),
    /** Orders with a completed return: status RETURNED, or a line with units returned. */
    returnedOrders: p.integer(),
  },
  policies: sellerReadPolicies(),
  uniques: [{ properties: ['connection', 'day', 'fxDay', 'currency', 'status'] }],
  indexes: [{ properties: ['user', 'day'] }],
});

/**
 * A seller's order lines summed per connection, local day, UTC day (the rate's day),
 * currency and product (normalized SKU, or "title:<title>" without one): the product
 * questions read a month as a few thousand rows instead of every line of it. Lines of
 * cancelled orders and cancelled lines count only in `cancelledOrders` (a group of them
 * alone has no orders), as every product figure leaves them out. Derived data only,
 * rebuilt with SalesRollup from the same marks.
 */
export const ProductRollup = defineEntity({
  name: 'ProductRollup',
  properties: {
    ...tenantColumns(),
    day: p.date(),
    fxDay: p.date(),
    currency: p.string().length(3),
    sku: p.text(),
    /** The greatest of the lines' titles (the same product is named alike). */
    title: p.text(),
    /** Orders with such a line: an order is on one day, so days add up. */
    orders: p.integer(),
    units: p.integer(),
    returnedUnits: p.integer(),
    /** Orders whose lines of the product were cancelled (or that were cancelled): kept apart, counted in nothing else. */
    cancelledOrders: p.integer().default(0),
    /** The lines' net sales, and their share of their orders' USD amounts. */
    sales: p.decimal('string').precision(24).scale(4),
    salesUsd: p.decimal('string').columnType('numeric'),
    /** Orders (and their lines' sales) stored without a USD amount. */
    ordersWithoutUsd: p.integer(),
    salesWithoutUsd: p.decimal('string').precision(24).scale(4),
    /** Orders whose lines have no net sales yet (waiting for a re-read). */
    ordersWithoutNetSales: p.integer(),
  },
  policies: sellerReadPolicies(),
  uniques: [{ properties: ['connection', 'day', 'fxDay', 'currency', 'sku'] }],
  indexes: [{ properties: ['user', 'day'] }],
});

/**
 * A UTC day of a connection whose orders changed since its rollup rows were built,
 * written by statement triggers on `unified_order` and `unified_order_item` (so no
 * writer can forget it). `generation` counts the changes: a rebuild removes only the
 * marks it read unchanged, so a write committed meanwhile is rebuilt next time.
 * No foreign keys: a queue, written in the middle of cascading deletes.
 */
export const SalesRollupMark = defineEntity({
  name: 'SalesRollupMark',
  properties: {
    connectionId: p.uuid().primary(),
    utcDay: p.date().primary(),
    userId: p.uuid().index(),
    generation: p.integer().default(1),
  },
});

/** The timezone a seller's rollup rows count days in; another timezone rebuilds them all. */
export const SalesRollupState = defineEntity({
  name: 'SalesRollupState',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    timezone: p.string(),
    builtAt: p.datetime(),
  },
});

export type ISalesRollup = InferEntity<typeof SalesRollup>;
export type IProductRollup = InferEntity<typeof ProductRollup>;

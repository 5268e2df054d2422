import type { Lifecycle } from '../world/lifecycle.ts';
import type { StoreDef } from '../world/stores.ts';

/**
 * One order as the marketplace's own records state it, reduced to what the ground
 * truth counts. Each marketplace computes it from the same native record its API
 * serves (never from ShopIQ's mappers), so truth and API cannot disagree.
 */
export interface TruthView {
  /** The source's own status words for the order (e.g. "PAID/FULFILLED", "Shipped", "DELIVERED"). */
  sourceStatus: string;
  currency: string;
  /**
   * Net sales as the API states them, minor units: the items after their discounts,
   * before shipping and tax.
   */
  netMinor: number;
  /** What the buyer paid as the API states it: net sales + shipping + tax. */
  collectedMinor: number;
  /**
   * Per line, `amountMinor` is the line's sales after its discounts; `sold` is false for
   * a line of a cancelled order, or a line cancelled on its own.
   */
  lines: { sku: string | null; quantity: number; amountMinor: number; sold: boolean }[];
  /** Units returned (0 when none). */
  returnedUnits: number;
}

export type TruthRenderer = (order: Lifecycle, store: StoreDef) => TruthView;

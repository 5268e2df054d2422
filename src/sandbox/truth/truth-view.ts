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
  /** Order total as the API reports it, minor units. */
  totalMinor: number;
  lines: { sku: string | null; quantity: number; amountMinor: number }[];
  /** Units returned (0 when none). */
  returnedUnits: number;
}

export type TruthRenderer = (order: Lifecycle, store: StoreDef) => TruthView;

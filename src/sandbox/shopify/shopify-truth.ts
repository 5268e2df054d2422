import type { TruthRenderer } from '../truth/truth-view.ts';
import { totalMinor } from '../world/lifecycle.ts';

export const shopifyTruthView: TruthRenderer = (order, store) => ({
  sourceStatus: 'UNKNOWN',
  currency: store.currency,
  totalMinor: totalMinor(order.lines),
  lines: [],
  returnedUnits: 0,
});

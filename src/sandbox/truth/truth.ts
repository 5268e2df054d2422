/**
 * Ground truth: aggregates over the source records as each marketplace's API states
 * them (see TruthView). Counts and amounts by seller × marketplace × month × source
 * status (with whether those orders are cancelled, by the sandbox's rule): net sales and total
 * collected; units and revenue (the lines' sales after discounts) of the lines sold (not
 * cancelled) by SKU × marketplace, returns, and the FX rates in use.
 */

import { amazonTruthView } from '../amazon/amazon-truth.ts';
import { flipkartTruthView } from '../flipkart/flipkart-truth.ts';
import { shopifyTruthView } from '../shopify/shopify-truth.ts';
import { isCancelled } from '../world/lifecycle.ts';
import type { SandboxMarketplace } from '../world/stores.ts';
import type { PlantedAnomaly, SandboxWorld } from '../world/world.ts';
import { decimal } from './decimal.ts';
import type { TruthRenderer } from './truth-view.ts';

export { decimal };

const RENDERERS: Record<SandboxMarketplace, TruthRenderer> = {
  shopify: shopifyTruthView,
  flipkart: flipkartTruthView,
  amazon: amazonTruthView,
};

export interface TruthRow {
  seller: number;
  store: string;
  marketplace: SandboxMarketplace;
  month: string;
  sourceStatus: string;
  /** Cancelled by the sandbox's own rule (lifecycle.ts), not by any reading of `sourceStatus`. */
  cancelled: boolean;
  currency: string;
  orders: number;
  /** Net sales: the items after their discounts, before shipping and tax (decimal string, order currency). */
  netSales: string;
  /** Total collected: what the buyers paid, net sales + shipping + tax. */
  collected: string;
  /** The order totals as the API states them: the same as `collected`. */
  amount: string;
}

export interface Truth {
  clock: string;
  orders: TruthRow[];
  skus: {
    seller: number;
    marketplace: SandboxMarketplace;
    sku: string | null;
    currency: string;
    units: number;
    revenue: string;
  }[];
  returns: {
    seller: number;
    marketplace: SandboxMarketplace;
    orders: number;
    returnedOrders: number;
    returnedUnits: number;
  }[];
  totals: { store: string; orders: number; items: number }[];
  /** What was planted in the history for detectors to find (anomalies.ts). */
  anomalies: PlantedAnomaly[];
  fx: { base: 'USD'; note: string; sample: Record<string, Record<string, number>> };
}

export function computeTruth(world: SandboxWorld): Truth {
  const orders = new Map<string, TruthRow & { minor: number; netMinor: number }>();
  const skus = new Map<string, Truth['skus'][number] & { minor: number }>();
  const returns: Truth['returns'] = [];
  const totals: Truth['totals'] = [];
  for (const store of world.stores) {
    const render = RENDERERS[store.marketplace];
    const ret = {
      seller: store.seller,
      marketplace: store.marketplace,
      orders: 0,
      returnedOrders: 0,
      returnedUnits: 0,
    };
    let items = 0;
    for (const order of world.orders(store.key).all()) {
      const view = render(order, store);
      const month = new Date(order.placedAt).toISOString().slice(0, 7);
      const cancelled = isCancelled(order);
      const key = `${store.key}|${month}|${view.sourceStatus}|${cancelled}|${view.currency}`;
      let row = orders.get(key);
      if (!row) {
        row = {
          seller: store.seller,
          store: store.key,
          marketplace: store.marketplace,
          month,
          sourceStatus: view.sourceStatus,
          cancelled,
          currency: view.currency,
          orders: 0,
          netSales: '',
          collected: '',
          amount: '',
          minor: 0,
          netMinor: 0,
        };
        orders.set(key, row);
      }
      row.orders++;
      row.minor += view.collectedMinor;
      row.netMinor += view.netMinor;
      for (const line of view.lines) {
        items++;
        if (!line.sold) continue;
        const skuKey = `${store.seller}|${store.marketplace}|${line.sku}|${view.currency}`;
        let s = skus.get(skuKey);
        if (!s) {
          s = {
            seller: store.seller,
            marketplace: store.marketplace,
            sku: line.sku,
            currency: view.currency,
            units: 0,
            revenue: '',
            minor: 0,
          };
          skus.set(skuKey, s);
        }
        s.units += line.quantity;
        s.minor += line.amountMinor;
      }
      ret.orders++;
      if (view.returnedUnits > 0) {
        ret.returnedOrders++;
        ret.returnedUnits += view.returnedUnits;
      }
    }
    returns.push(ret);
    totals.push({ store: store.key, orders: ret.orders, items });
  }
  const months = new Set([...orders.values()].map((r) => r.month));
  const sample: Record<string, Record<string, number>> = {};
  for (const month of months) sample[`${month}-15`] = world.fx.rates(`${month}-15`, 'USD')?.rates ?? {};
  return {
    clock: new Date(world.clockMs).toISOString(),
    orders: [...orders.values()].map(({ minor, netMinor, ...row }) => ({
      ...row,
      netSales: decimal(netMinor, row.currency),
      collected: decimal(minor, row.currency),
      amount: decimal(minor, row.currency),
    })),
    skus: [...skus.values()].map(({ minor, ...row }) => ({ ...row, revenue: decimal(minor, row.currency) })),
    returns,
    totals,
    anomalies: world.anomalies,
    fx: {
      base: 'USD',
      note: 'daily rates per 1 USD from GET /fx/v1/<date>?base=USD; weekends use the Friday before. Sample: the 15th of each month.',
      sample,
    },
  };
}

import { describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../src/sandbox/http/faults.ts';
import { TokenBucket } from '../../src/sandbox/http/rate-limit.ts';
import { type Lifecycle, updatedAt } from '../../src/sandbox/world/lifecycle.ts';
import { SandboxWorld } from '../../src/sandbox/world/world.ts';

const START = Date.UTC(2026, 10, 1);
const world = (seed = 7, orders = 3000) => new SandboxWorld({ seed, ordersPerStore: orders, startMs: START });

describe('sandbox world', () => {
  it('is a pure function of the seed', () => {
    const a = world(7).orders('s2-flipkart');
    const b = world(7).orders('s2-flipkart');
    const c = world(8).orders('s2-flipkart');
    expect(JSON.stringify(a.get(1234))).toBe(JSON.stringify(b.get(1234)));
    expect(JSON.stringify(a.get(1234))).not.toBe(JSON.stringify(c.get(1234)));
  });

  it('spans 18 months of history ending at the clock, with festive peaks', () => {
    const orders = world(7, 20_000).orders('s1-shopify');
    const placed = [...orders.all()].map((o) => o.placedAt);
    expect(placed).toEqual([...placed].sort((x, y) => x - y));
    expect(placed[0]).toBeGreaterThan(START - 549 * 86_400_000);
    expect(placed.at(-1)).toBeLessThan(START);
    const perDay = (from: string, to: string) =>
      placed.filter((t) => t >= Date.parse(from) && t < Date.parse(to)).length /
      ((Date.parse(to) - Date.parse(from)) / 86_400_000);
    expect(perDay('2025-12-01', '2025-12-31')).toBeGreaterThan(1.5 * perDay('2026-02-01', '2026-02-28'));
  });

  it('has about 2.5 lines an order and more cancellations and returns on Flipkart than on Shopify', () => {
    const w = world(7, 20_000);
    const share = (key: string, pick: (o: Lifecycle) => boolean) => {
      const all = [...w.orders(key).all()];
      return all.filter(pick).length / all.length;
    };
    const lines = [...w.orders('s1-amazon').all()].reduce((n, o) => n + o.lines.length, 0) / 20_000;
    expect(lines).toBeGreaterThan(2.3);
    expect(lines).toBeLessThan(2.7);
    expect(share('s1-flipkart', (o) => o.cancelledAt !== null)).toBeGreaterThan(
      1.5 * share('s1-shopify', (o) => o.cancelledAt !== null),
    );
    expect(share('s1-flipkart', (o) => o.returnRequestedAt !== null)).toBeGreaterThan(
      2 * share('s1-shopify', (o) => o.returnRequestedAt !== null),
    );
  });

  it('lists products on several marketplaces under one SKU, some on one only, some spelled differently', () => {
    const catalog = world().catalog(1);
    const on = (n: number) => catalog.filter((p) => Object.keys(p.listings).length === n).length;
    expect(on(3)).toBeGreaterThan(10);
    expect(on(1)).toBeGreaterThan(0);
    const listings = catalog.flatMap((p) => Object.values(p.listings).map((l) => ({ base: p.baseSku, sku: l?.sku })));
    expect(listings.some((l) => l.sku === null)).toBe(true);
    expect(
      listings.some(
        (l) => l.sku !== null && l.sku !== l.base && l.sku?.trim().toUpperCase().replaceAll('_', '-') === l.base,
      ),
    ).toBe(true);
  });

  it('orders by updated-at visit every order once, also after mutations and new orders', () => {
    const w = world(7, 2000);
    const summary = w.mutate({ count: 300, advanceMs: 3_600_000, stores: ['s1-amazon'] });
    expect(Object.values(summary['s1-amazon'] ?? {}).reduce((a, b) => a + b, 0)).toBe(300);
    const orders = w.orders('s1-amazon');
    expect(orders.count).toBeGreaterThan(2000);
    const seen = [...orders.byUpdated({})];
    expect(seen).toHaveLength(orders.count);
    expect(new Set(seen.map((o) => o.index)).size).toBe(orders.count);
    const keys = seen.map((o) => [updatedAt(o), o.index] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    const changed = [...orders.byUpdated({ fromMs: START + 1 })];
    expect(changed.length).toBeGreaterThan(200);
    expect(changed.every((o) => updatedAt(o) > START)).toBe(true);
  });

  it('can put many changes on one instant (records sharing a cursor value)', () => {
    const w = world(7, 500);
    w.mutate({ count: 50, sameInstant: true, stores: ['s1-shopify'], newShare: 0 });
    const times = new Set([...w.orders('s1-shopify').byUpdated({ fromMs: START + 1 })].map(updatedAt));
    expect(times.size).toBe(1);
  });
});

describe('sandbox plumbing', () => {
  it('parses fault specs and rejects unknown keys with a clear message', () => {
    expect(parseFaultSpec('shopify:429=0.3,retryAfter=2;flipkart/shipments:latency=200')).toEqual({
      shopify: { rate429: 0.3, retryAfterS: 2 },
      'flipkart/shipments': { latencyMs: 200 },
    });
    expect(() => parseFaultSpec('ebay:429=1')).toThrow(/expected <marketplace>/);
    expect(() => parseFaultSpec('amazon:slow=1')).toThrow(/unknown key or bad value "slow=1"/);
  });

  it('token buckets refill at their rate up to the burst', () => {
    const bucket = new TokenBucket(0.5, 2, 0);
    expect(bucket.take(1, 0).ok).toBe(true);
    expect(bucket.take(1, 0).ok).toBe(true);
    expect(bucket.take(1, 0)).toEqual({ ok: false, retryAfterMs: 2000 });
    expect(bucket.take(1, 2000).ok).toBe(true);
    expect(bucket.available(60_000)).toBe(2);
  });
});

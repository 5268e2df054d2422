/**
 * Admin GraphQL over the shared HTTP layer, paced by Shopify's cost-based leaky
 * bucket. Every response reports `throttleStatus` (points available, restore rate);
 * before a request the client estimates what the bucket holds now and, when that is
 * less than the query is expected to cost (its last requested cost), waits until it
 * has refilled: no request is sent that the bucket cannot afford. A THROTTLED answer
 * (HTTP 200 with an error, or 429 from the HTTP layer) waits for the points it lacks
 * and tries again.
 */
import type { Logger } from '../../logging/logger.ts';
import { MarketplaceError, sourceErrorCodes } from '../marketplace-error.ts';
import type { MarketplaceHttp } from '../marketplace-http.ts';
import { sleep } from '../sleep.ts';

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphqlError {
  message?: string;
  extensions?: { code?: string };
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: GraphqlError[] | string;
  extensions?: {
    cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus };
  };
}

const MAX_THROTTLED = 30;

export class ShopifyGraphql {
  readonly #http: MarketplaceHttp;
  readonly #path: string;
  readonly #log: Logger;
  #bucket: (ThrottleStatus & { at: number }) | undefined;
  readonly #costOf = new Map<string, number>();

  constructor(http: MarketplaceHttp, apiVersion: string, log: Logger) {
    this.#http = http;
    this.#path = `/admin/api/${apiVersion}/graphql.json`;
    this.#log = log;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    for (let throttled = 0; ; throttled++) {
      await this.#pace(query);
      const { data: body } = await this.#http.request<GraphqlResponse<T>>({
        method: 'POST',
        url: this.#path,
        data: { query, variables },
        headers: { 'content-type': 'application/json' },
      });
      const cost = body?.extensions?.cost;
      if (cost?.throttleStatus) this.#bucket = { ...cost.throttleStatus, at: Date.now() };
      if (typeof cost?.requestedQueryCost === 'number') this.#costOf.set(query, cost.requestedQueryCost);
      if (typeof cost?.actualQueryCost === 'number') this.#http.stats.costPoints += cost.actualQueryCost;
      const errors = typeof body?.errors === 'string' ? [{ message: body.errors }] : (body?.errors ?? []);
      if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
        this.#http.stats.throttled++;
        if (throttled >= MAX_THROTTLED) {
          throw new MarketplaceError('shopify', 'temporary', 'Shopify kept answering THROTTLED');
        }
        const wait = this.#refillWait(cost?.requestedQueryCost ?? this.#costOf.get(query) ?? 0) || 1000;
        this.#log.debug({ waitMs: wait }, 'Shopify throttled the query; waiting for the bucket to refill');
        this.#http.stats.waitedMs += wait;
        this.#http.stats.retries++;
        await sleep(wait, this.#http.signal);
        continue;
      }
      if (errors.length > 0) {
        const denied = errors.some((e) => e.extensions?.code === 'ACCESS_DENIED');
        const message = errors.map((e) => e.message ?? 'error').join('; ');
        const codes = sourceErrorCodes({ errors });
        throw new MarketplaceError('shopify', denied ? 'auth_revoked' : 'unknown', `Shopify GraphQL: ${message}`, {
          summary: `Shopify GraphQL error${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`,
        });
      }
      if (!body?.data) throw new MarketplaceError('shopify', 'unknown', 'Shopify GraphQL answered without data');
      return body.data;
    }
  }

  /** Waits until the bucket can afford the query's expected cost. */
  async #pace(query: string): Promise<void> {
    const expected = this.#costOf.get(query);
    if (expected === undefined) return;
    const wait = this.#refillWait(expected);
    if (wait > 0) {
      this.#http.stats.waitedMs += wait;
      await sleep(wait, this.#http.signal);
    }
  }

  /** Milliseconds until the bucket holds `cost` points (0 when it already does). */
  #refillWait(cost: number): number {
    const b = this.#bucket;
    if (!b || b.restoreRate <= 0) return 0;
    const need = Math.min(cost, b.maximumAvailable);
    const now = Math.min(b.maximumAvailable, b.currentlyAvailable + ((Date.now() - b.at) / 1000) * b.restoreRate);
    // a little margin: the bucket's clock and ours are not the same clock
    return need <= now ? 0 : Math.ceil(((need - now) / b.restoreRate) * 1000) + 50;
  }
}

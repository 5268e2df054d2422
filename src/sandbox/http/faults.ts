/**
 * Fault injection, set per marketplace and (optionally) per route: a share of 429s
 * with Retry-After, a share of 5xx, added latency, hanging responses, connection
 * resets, and access tokens that expire after a while. Draws are seeded, so a test
 * run sees the same faults every time.
 *
 * Spec string (CLI `--faults`, admin API): `<marketplace>[/<route>]:<key>=<value>,...;...`
 * e.g. `shopify:429=0.3,5xx=0.1;flipkart/shipments:latency=200;amazon:tokenTtl=60;shopify:malformed=0.02`.
 */
import type { RequestHandler } from 'express';
import { hashKeys, Random } from '../world/random.ts';

export interface FaultSettings {
  /** Share of requests answered 429 (0–1). */
  rate429?: number;
  /** Retry-After seconds sent with a 429. */
  retryAfterS?: number;
  /** Share of requests answered 500/502/503. */
  rate5xx?: number;
  /** Milliseconds added before answering. */
  latencyMs?: number;
  /** Share of requests never answered (the client must time out). */
  hangRate?: number;
  /** Share of requests whose connection is reset. */
  resetRate?: number;
  /** Lifetime of new access tokens, seconds. */
  tokenTtlS?: number;
  /** Share of records served malformed (bad amounts, unreadable dates); the same records every time. */
  malformedRate?: number;
}

const KEYS: Record<string, keyof FaultSettings> = {
  '429': 'rate429',
  retryAfter: 'retryAfterS',
  '5xx': 'rate5xx',
  latency: 'latencyMs',
  hang: 'hangRate',
  reset: 'resetRate',
  tokenTtl: 'tokenTtlS',
  malformed: 'malformedRate',
};

export class FaultRegistry {
  readonly #settings = new Map<string, FaultSettings>();
  readonly #seed: number;
  #draws = 0;
  readonly #hanging = new Set<{ destroy(): void }>();

  constructor(seed: number, spec?: string) {
    this.#seed = seed;
    if (spec) this.apply(parseFaultSpec(spec));
  }

  apply(entries: Record<string, FaultSettings>): void {
    for (const [scope, settings] of Object.entries(entries)) {
      this.#settings.set(scope, { ...this.#settings.get(scope), ...settings });
    }
  }

  clear(): void {
    this.#settings.clear();
  }

  snapshot(): Record<string, FaultSettings> {
    return Object.fromEntries(this.#settings);
  }

  /** Route settings override the marketplace's. */
  settingsFor(marketplace: string, route: string): FaultSettings {
    return { ...this.#settings.get(marketplace), ...this.#settings.get(`${marketplace}/${route}`) };
  }

  tokenTtlS(marketplace: string): number | undefined {
    return this.#settings.get(marketplace)?.tokenTtlS;
  }

  /** Whether the record `key` of `store` is served malformed: decided by its key, so stable across requests. */
  isMalformed(marketplace: string, store: string, key: number | string): boolean {
    const rate = this.#settings.get(marketplace)?.malformedRate ?? 0;
    return rate > 0 && (hashKeys(this.#seed, store, key, 'malformed') % 10_000) / 10_000 < rate;
  }

  /** Express middleware that may answer (or not answer) instead of the route. */
  middleware(marketplace: string, route: string, errorBody: (status: number) => unknown): RequestHandler {
    return async (req, res, next) => {
      const f = this.settingsFor(marketplace, route);
      const r = new Random(this.#seed, 'fault', ++this.#draws);
      if (f.latencyMs) await new Promise((resolve) => setTimeout(resolve, f.latencyMs));
      if (f.resetRate && r.chance(f.resetRate)) {
        req.socket.destroy();
        return;
      }
      if (f.hangRate && r.chance(f.hangRate)) {
        this.#hanging.add(req.socket);
        req.socket.once('close', () => this.#hanging.delete(req.socket));
        return; // never answered
      }
      if (f.rate429 && r.chance(f.rate429)) {
        res.setHeader('Retry-After', String(f.retryAfterS ?? 1));
        res.status(429).json(errorBody(429));
        return;
      }
      if (f.rate5xx && r.chance(f.rate5xx)) {
        const status = r.pick([500, 502, 503]);
        res.status(status).json(errorBody(status));
        return;
      }
      next();
    };
  }

  /** Cuts hanging requests (on shutdown). */
  releaseHanging(): void {
    for (const socket of this.#hanging) socket.destroy();
    this.#hanging.clear();
  }
}

export function parseFaultSpec(spec: string): Record<string, FaultSettings> {
  const out: Record<string, FaultSettings> = {};
  for (const part of spec
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':');
    const scope = part.slice(0, colon).trim();
    if (colon < 1 || !/^(shopify|flipkart|amazon|fx)(\/[a-zA-Z0-9_-]+)?$/.test(scope)) {
      throw new RangeError(`fault spec "${part}": expected <marketplace>[/<route>]:<key>=<value>,...`);
    }
    const settings: FaultSettings = {};
    for (const pair of part.slice(colon + 1).split(',')) {
      const [k, v] = pair.split('=').map((s) => s.trim());
      const key = KEYS[k ?? ''];
      const value = Number(v);
      if (!key || !Number.isFinite(value) || value < 0) {
        throw new RangeError(
          `fault spec "${part}": unknown key or bad value "${pair}" (keys: ${Object.keys(KEYS).join(', ')})`,
        );
      }
      settings[key] = value;
    }
    out[scope] = settings;
  }
  return out;
}

/**
 * What every Flipkart Seller API route shares.
 * Error bodies: Flipkart's published API model has `Error {severity, code (integer),
 * description, path?}`; the sandbox answers `{errors:[Error…]}` (the wrapper is not
 * documented), with `code` the HTTP status. A missing, unknown or expired bearer token
 * gets the Spring OAuth2 body Flipkart's gateway sends: `{error, error_description}`.
 * Rate limits are unpublished: a token bucket per route and seller, configurable.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import type { StoreDef } from '../world/stores.ts';

export interface FlipkartLimits {
  /** Requests a second per route and seller. */
  rate: number;
  burst: number;
}

export const FLIPKART_DEFAULT_LIMITS: FlipkartLimits = { rate: 10, burst: 20 };

export function fkError(res: Response, status: number, description: string, path?: string): void {
  res.status(status).json(errorBody(status, description, path));
}

export function errorBody(status: number, description: string, path?: string) {
  return { errors: [{ severity: 'ERROR', code: status, description, ...(path ? { path } : {}) }] };
}

/** Bodies for injected faults (FaultRegistry.middleware). */
export function faultBody(status: number) {
  if (status === 429) return errorBody(429, 'Request rate limit exceeded. Retry after some time.');
  if (status === 503) return errorBody(503, 'Service temporarily unavailable.');
  return errorBody(status, 'Internal server error.');
}

/** 401 without a valid Flipkart access token; otherwise the seller's store is in res.locals. */
export function requireSeller(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const grant = ctx.tokens.verify(match?.[1]);
    const store = typeof grant === 'object' ? ctx.world.store(grant.storeKey) : undefined;
    if (store?.marketplace !== 'flipkart') {
      const [error, description] = !match
        ? ['unauthorized', 'Full authentication is required to access this resource']
        : grant === 'expired'
          ? ['invalid_token', 'Access token expired']
          : ['invalid_token', 'Invalid access token'];
      res.setHeader('WWW-Authenticate', `Bearer realm="oauth", error="${error}"`);
      return void res.status(401).json({ error, error_description: description });
    }
    res.locals.store = store;
    next();
  };
}

export function sellerOf(res: Response): StoreDef {
  return res.locals.store as StoreDef;
}

/** Token bucket per route and seller; 429 with Retry-After in whole seconds. */
export function rateLimit(ctx: SandboxContext, route: string, limits: FlipkartLimits): RequestHandler {
  return (_req, res, next) => {
    const taken = ctx.limits.take(`flipkart:${route}:${sellerOf(res).key}`, limits.rate, limits.burst);
    if (!taken.ok) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
      return void fkError(res, 429, 'Request rate limit exceeded. Retry after some time.');
    }
    next();
  };
}

/** Malformed or oversized JSON bodies in Flipkart's error shape, never a stack trace. */
export const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return void next(error);
  const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
  const description =
    error?.type === 'entity.parse.failed'
      ? 'Malformed JSON request body.'
      : error?.type === 'entity.too.large'
        ? 'Request body too large.'
        : status === 500
          ? 'Internal server error.'
          : 'Bad request.';
  fkError(res, status, description);
};

/** ISO 8601 date-time to ms, or NaN; no zone means UTC. */
export function parseTime(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const match = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (!match) return Number.NaN;
  return Date.parse(match[1] && !match[4] ? `${value}Z` : value);
}

export function stringParam(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return value === undefined || value === '' ? undefined : String(value);
}

/** Opaque paging tokens: the query and the position, base64url JSON. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken<T>(token: string | undefined, valid: (value: T) => boolean): T | undefined {
  if (!token) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
    return value && typeof value === 'object' && valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What every SP-API route shares: the error body `{errors:[{code, message, details}]}`,
 * the `x-amz-access-token` check (the token decides the seller), per-operation token
 * buckets at the published rates, and query-list parsing (comma-separated or repeated).
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import type { StoreDef } from '../world/stores.ts';

export function spError(res: Response, status: number, code: string, message: string, details = ''): void {
  res.status(status).json({ errors: [{ code, message, details }] });
}

export function badInput(res: Response, details: string): void {
  spError(res, 400, 'InvalidInput', 'Invalid Input', details);
}

/** Bodies for injected faults (FaultRegistry.middleware). */
export function faultBody(status: number) {
  if (status === 429)
    return {
      errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }],
    };
  if (status === 503)
    return { errors: [{ code: 'ServiceUnavailable', message: 'Service is temporarily unavailable.', details: '' }] };
  return {
    errors: [{ code: 'InternalFailure', message: 'We encountered an internal error. Please try again.', details: '' }],
  };
}

export const requestId: RequestHandler = (_req, res, next) => {
  res.setHeader('x-amzn-RequestId', randomUUID());
  next();
};

/** 403 without a valid access token; otherwise the seller's store is in res.locals. */
export function requireSeller(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const token = req.get('x-amz-access-token');
    const grant = ctx.tokens.verify(token);
    const store = typeof grant === 'object' ? ctx.world.store(grant.storeKey) : undefined;
    if (!store) {
      const details = !token
        ? 'Access token is missing in the request header.'
        : grant === 'expired'
          ? 'The access token you provided has expired.'
          : 'The access token you provided is revoked, malformed or invalid.';
      return void spError(res, 403, 'Unauthorized', 'Access to requested resource is denied.', details);
    }
    res.locals.store = store;
    next();
  };
}

export function sellerOf(res: Response): StoreDef {
  return res.locals.store as StoreDef;
}

/**
 * Token bucket per operation and seller; 429 carries no rate header, success does:
 * the published rate, or with limits off a generous plan of 1,000 requests a second
 * (SP-API states each caller's actual rate there).
 */
export function rateLimit(ctx: SandboxContext, operation: string, rate: number, burst: number): RequestHandler {
  return (_req, res, next) => {
    const taken = ctx.limits.take(`amazon:${operation}:${sellerOf(res).key}`, rate, burst);
    if (!taken.ok) {
      return void spError(res, 429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
    }
    res.setHeader('x-amzn-RateLimit-Limit', ctx.limits.enabled ? String(rate) : '1000');
    next();
  };
}

/** A list query parameter: `a,b` or repeated `k=a&k=b`. */
export function listParam(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function stringParam(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return value === undefined || value === '' ? undefined : String(value);
}

/** ISO 8601 date-time to ms, or NaN. */
export function parseTime(value: string | undefined): number {
  if (value === undefined) return Number.NaN;
  const match = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (!match) return Number.NaN;
  // no zone means UTC, whatever the sandbox host's time zone
  return Date.parse(match[1] && !match[2] ? `${value}Z` : value);
}

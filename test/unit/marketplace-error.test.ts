import { describe, expect, it } from 'vitest';
import { errorSummary, MarketplaceError, sourceErrorCodes } from '../../src/marketplaces/marketplace-error.ts';

describe('what is kept of a sync failure', () => {
  it('is the kind, the marketplace and HTTP status, and ShopIQ’s summary, not the message quoting the source', () => {
    const error = new MarketplaceError('shopify', 'unknown', 'Shopify GraphQL: access for asha@example.in denied', {
      status: 200,
      summary: 'Shopify GraphQL error (ACCESS_DENIED)',
    });
    expect(errorSummary(error)).toBe('unknown: shopify HTTP 200: Shopify GraphQL error (ACCESS_DENIED)');
  });

  it('keeps only code-like error codes of an answer, never its free text or token-like values', () => {
    expect(sourceErrorCodes({ error: 'invalid_grant', error_description: 'code abc123 expired' })).toEqual([
      'invalid_grant',
    ]);
    expect(sourceErrorCodes({ errors: [{ code: 'InternalFailure', message: 'x' }] })).toEqual(['InternalFailure']);
    expect(sourceErrorCodes({ errors: [{ message: 'm', extensions: { code: 'THROTTLED' } }] })).toEqual(['THROTTLED']);
    expect(sourceErrorCodes({ error: 'q7Xk29LmZp4Rt8Vw3Ns6' })).toEqual([]);
    expect(sourceErrorCodes({ error: 'see priya@example.in' })).toEqual([]);
    expect(sourceErrorCodes('plain text body')).toEqual([]);
  });

  it('drops what an error of ours quotes from the input (a JSON parse error quotes the body)', () => {
    let parseError: unknown;
    try {
      JSON.parse('{"access": "q7Xk29LmZp4Rt8Vw3Ns6Yb1Hc5Jd0Fg2", "buyer": "priya@example.in" oops');
    } catch (error) {
      parseError = error;
    }
    const text = errorSummary(parseError);
    expect(text).toMatch(/^unknown: SyntaxError: /);
    expect(text).not.toContain('q7Xk29');
    expect(text).not.toContain('priya');
    expect(errorSummary(new Error('the service is stopping'), 'temporary')).toBe('temporary: the service is stopping');
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ logLevel: 'info' }, stream), output: () => lines.join('') };
}

describe('log redaction', () => {
  it('never writes tokens, secrets, phone numbers or e-mail addresses', () => {
    const { log, output } = capture();
    log.info(
      {
        accessToken: 'shpat_0123456789abcdef',
        connection: { refresh_token: 'Atzr|IwEBIA-refresh-value', apiKey: 'sk-ant-api03-value' },
        headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' },
        From: 'whatsapp:+919876543210',
        customerEmail: 'asha@example.in',
        note: 'seller asha@example.in wrote from +1 (415) 555-0100',
      },
      'token Bearer abcdefghijklmnop for jane.doe@example.com, call +44 20 7946 0958',
    );
    log.warn('Slack said no to xoxb-1234-5678-abcdefgh and xapp-1-A0SHOPIQ-9876-ffeeddcc');
    const out = output();
    for (const secret of [
      'shpat_0123456789abcdef',
      'IwEBIA-refresh-value',
      'sk-ant-api03-value',
      'eyJhbGciOiJIUzI1NiJ9',
      '9876543210',
      'asha@example.in',
      '555-0100',
      'jane.doe@example.com',
      '7946 0958',
      'abcdefghijklmnop',
      '1234-5678-abcdefgh',
      'A0SHOPIQ-9876-ffeeddcc',
    ]) {
      expect(out).not.toContain(secret);
    }
    const line = JSON.parse(out.split('\n')[0] ?? '');
    expect(line.accessToken).toBe('[redacted]');
    expect(line.note).toBe('seller [email] wrote from [phone]');
    expect(line.msg).toBe('token Bearer [redacted] for [email], call [phone]');
  });

  it('masks OAuth callback values (code, state, hmac, spapi_oauth_code) by key', () => {
    const { log, output } = capture();
    log.info(
      {
        query: {
          code: 'a1b2c3d4e5f6a7b8',
          state: 'st8-signed.value-77',
          hmac: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          spapi_oauth_code: 'RHxqWbLmNpQrStUv',
          shop: 'asha-store.myshopify.com',
        },
      },
      'callback',
    );
    const line = JSON.parse(output());
    expect(line.query).toEqual({
      code: '[redacted]',
      state: '[redacted]',
      hmac: '[redacted]',
      spapi_oauth_code: '[redacted]',
      shop: 'asha-store.myshopify.com',
    });
  });

  it('masks those values and tokens inside URLs, query strings and bodies in messages and errors', () => {
    const { log, output } = capture();
    const url =
      'https://shopiq.example/oauth/shopify/callback?code=a1b2c3d4e5f6a7b8&hmac=0f1e2d3c4b5a69788796a5b4c3d2e1f0&shop=asha-store.myshopify.com&state=st8-signed.value-77';
    const axiosLike = Object.assign(new Error(`GET ${url} failed: socket hang up`), { code: 'ECONNRESET' });
    log.warn({ err: axiosLike, url }, `callback ${url} refused`);
    log.warn(
      { response: 'grant_type=authorization_code&spapi_oauth_code=RHxqWbLmNpQrStUv&client_secret=CsEcReT9911' },
      'token exchange answered {"access_token":"Fk7Zq0Lp3Mn8Bv2Cx5Tr9Ws1","refresh_token":"Rr4Yy6Uu8Ii0Oo2Pp"}',
    );
    log.info(`renewed with ${'Zk8s0Qw3Rt6Yu9Io2Pa5Sd7Fg1Hj4Kl'} at last`);
    const out = output();
    for (const secret of [
      'a1b2c3d4e5f6a7b8',
      '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      'st8-signed.value-77',
      'RHxqWbLmNpQrStUv',
      'CsEcReT9911',
      'Fk7Zq0Lp3Mn8Bv2Cx5Tr9Ws1',
      'Rr4Yy6Uu8Ii0Oo2Pp',
      'Zk8s0Qw3Rt6Yu9Io2Pa5Sd7Fg1Hj4Kl',
    ]) {
      expect(out).not.toContain(secret);
    }
    const first = JSON.parse(out.split('\n')[0] ?? '');
    // what is not secret stays readable
    expect(first.msg).toContain('shop=asha-store.myshopify.com');
    expect(first.msg).toContain('code=[redacted]');
    expect(first.err.message).toContain('socket hang up');
    expect(first.err.code).toBe('ECONNRESET');
  });

  it('keeps what operators need: ids, counts, timestamps, error messages', () => {
    const { log, output } = capture();
    log.error(
      { connectionId: 'c0ffee00-1111-4222-8333-444455556666', orders: 1250, err: new Error('HTTP 429 from Shopify') },
      'sync failed',
    );
    const line = JSON.parse(output());
    expect(line.connectionId).toBe('c0ffee00-1111-4222-8333-444455556666');
    expect(line.orders).toBe(1250);
    expect(line.err.message).toBe('HTTP 429 from Shopify');
  });
});

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

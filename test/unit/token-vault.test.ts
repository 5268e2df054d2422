import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenVault } from '../../src/crypto/token-vault.ts';
import { AppError } from '../../src/errors/app-error.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ctx = { table: 'marketplace_connection', rowId: '7c1e0c1e-0000-4000-8000-000000000001', field: 'access_token' };

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a failure');
}

describe('token vault', () => {
  const vault = new TokenVault({ keys: new Map([['k1', k1]]), activeKeyId: 'k1' });

  it('round-trips a token, with a fresh IV each time and the key id on the outside', () => {
    const a = vault.seal('shpat_secret_token_value', ctx);
    const b = vault.seal('shpat_secret_token_value', ctx);
    expect(a).not.toBe(b);
    expect(a).not.toContain('shpat_secret_token_value');
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(vault.keyIdOf(a)).toBe('k1');
    expect(vault.open(a, ctx)).toBe('shpat_secret_token_value');
    expect(vault.open(vault.seal('', ctx), ctx)).toBe('');
  });

  it('refuses a ciphertext moved to another row or another field', () => {
    const sealed = vault.seal('token', ctx);
    expect(failure(() => vault.open(sealed, { ...ctx, rowId: 'another-row' })).code).toBe('DECRYPTION_FAILED');
    expect(failure(() => vault.open(sealed, { ...ctx, field: 'refresh_token' })).code).toBe('DECRYPTION_FAILED');
  });

  it('detects tampering and malformed input', () => {
    const sealed = vault.seal('token', ctx);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(failure(() => vault.open(parts.join('.'), ctx)).code).toBe('DECRYPTION_FAILED');
    expect(failure(() => vault.open('plaintext-token', ctx)).code).toBe('DECRYPTION_FAILED');
  });

  it('a ciphertext claiming another key id cannot be opened with this key', () => {
    const sealed = vault.seal('token', ctx).replace(/^v1\.k1\./, 'v1.k2.');
    const both = new TokenVault({
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      activeKeyId: 'k2',
    });
    // the key id is bound into the associated data too
    expect(failure(() => both.open(sealed, ctx)).code).toBe('DECRYPTION_FAILED');
  });

  it('rotates: reseal moves a secret to the active key; the old key is then no longer needed', () => {
    const old = vault.seal('token', ctx);
    const rotating = new TokenVault({
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      activeKeyId: 'k2',
    });
    const moved = rotating.reseal(old, ctx);
    expect(rotating.keyIdOf(moved)).toBe('k2');
    expect(rotating.reseal(moved, ctx)).toBe(moved);
    const newOnly = new TokenVault({ keys: new Map([['k2', k2]]), activeKeyId: 'k2' });
    expect(newOnly.open(moved, ctx)).toBe('token');
    expect(failure(() => newOnly.open(old, ctx)).code).toBe('KEY_UNKNOWN');
  });
});

/**
 * Authenticated encryption for secrets at rest (marketplace tokens).
 *
 * Sealed format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). AES-256-GCM with
 * a 96-bit random IV. The associated data names the row and the field the secret
 * belongs to, so a ciphertext copied to another row or column fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyringConfig } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a secret is bound to: e.g. { table: 'marketplace_connection', rowId, field: 'access_token' }. */
export interface SealContext {
  table: string;
  rowId: string;
  field: string;
}

export class TokenVault {
  readonly #keys: Map<string, Buffer>;
  readonly activeKeyId: string;

  constructor(keyring: KeyringConfig) {
    for (const [id, key] of keyring.keys) {
      if (key.length !== 32) throw new AppError('CONFIG_INVALID', `encryption key "${id}" is not 32 bytes`);
    }
    if (!keyring.keys.has(keyring.activeKeyId)) {
      throw new AppError('KEY_UNKNOWN', `active encryption key "${keyring.activeKeyId}" is not in the keyring`);
    }
    this.#keys = keyring.keys;
    this.activeKeyId = keyring.activeKeyId;
  }

  seal(plaintext: string, context: SealContext): string {
    const key = this.#keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(this.activeKeyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.activeKeyId, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
  }

  open(sealed: string, context: SealContext): string {
    const { keyId, iv, ciphertext, tag } = parseSealed(sealed);
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new AppError('KEY_UNKNOWN', `secret was sealed with key "${keyId}", which is not in ENCRYPTION_KEYS`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new AppError(
        'DECRYPTION_FAILED',
        `secret for ${context.table}.${context.field} of row ${context.rowId} failed authentication`,
        { cause },
      );
    }
  }

  /** The key id a sealed value was made with, without opening it. */
  keyIdOf(sealed: string): string {
    return parseSealed(sealed).keyId;
  }

  /** Re-seals under the active key; returns the input unchanged when it already uses it. */
  reseal(sealed: string, context: SealContext): string {
    if (this.keyIdOf(sealed) === this.activeKeyId) return sealed;
    return this.seal(this.open(sealed, context), context);
  }
}

function associatedData(keyId: string, c: SealContext): Buffer {
  return Buffer.from(`shopiq/${VERSION}/${keyId}/${c.table}/${c.rowId}/${c.field}`, 'utf8');
}

function parseSealed(sealed: string) {
  const parts = sealed.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId || !iv || ciphertext === undefined || !tag) {
    throw new AppError('DECRYPTION_FAILED', 'sealed secret is malformed');
  }
  return {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

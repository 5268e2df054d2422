/**
 * Resolves the encryption keyring. ENCRYPTION_KEYS wins; outside production, without
 * it, a development key is generated once into the state folder (and reused after),
 * so a first run needs no configuration. Production refuses to start without keys
 * (enforced by the config parser).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, KeyringConfig } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../logging/logger.ts';

export const DEV_KEY_FILE = 'dev-encryption-key';

export function resolveKeyring(config: Pick<Config, 'encryption' | 'home'>, log: Logger): KeyringConfig {
  if (config.encryption) return config.encryption;
  const file = path.join(config.home, DEV_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.home, { recursive: true });
    const id = `dev-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
    writeFileSync(file, `${id}:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    log.warn(
      { file },
      'ENCRYPTION_KEYS is not set: generated a development encryption key in the state folder. Set ENCRYPTION_KEYS in production.',
    );
  } else {
    log.warn({ file }, 'ENCRYPTION_KEYS is not set: using the development encryption key from the state folder');
  }
  const [id, material] = readFileSync(file, 'utf8').trim().split(':');
  const key = Buffer.from(material ?? '', 'base64');
  if (!id || key.length !== 32) {
    throw new AppError(
      'CONFIG_INVALID',
      `development key file ${file} is damaged: delete it only if no tokens were stored with it, or set ENCRYPTION_KEYS`,
    );
  }
  return { keys: new Map([[id, key]]), activeKeyId: id };
}

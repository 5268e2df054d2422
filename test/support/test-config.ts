import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config/config.ts';

export const TEST_KEY = `test:${randomBytes(32).toString('base64')}`;

/** A configuration as the service would parse it, from an explicit environment only. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    env: {
      NODE_ENV: 'test',
      PORT: '0',
      METRICS_PORT: '0',
      SHOPIQ_HOME: mkdtempSync(path.join(os.tmpdir(), 'shopiq-home-')),
      ENCRYPTION_KEYS: TEST_KEY,
      ...env,
    },
    envFile: '/nonexistent/.env',
  });
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANTHROPIC_MODEL, loadConfig } from '../../src/config/config.ts';
import { AppError } from '../../src/errors/app-error.ts';

const key = () => randomBytes(32).toString('base64');
const noFile = '/nonexistent/.env';

function configError(env: Record<string, string>): AppError {
  try {
    loadConfig({ env, envFile: noFile, cwd: '/srv/shopiq' });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    return error as AppError;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('runs with nothing configured: embedded database, development defaults', () => {
    const config = loadConfig({ env: {}, envFile: noFile, cwd: '/srv/shopiq' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.home).toBe('/srv/shopiq/.shopiq');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.encryption).toBeUndefined();
    expect(config.anthropic.model).toBe(DEFAULT_ANTHROPIC_MODEL);
    expect(config.slack).toBeUndefined();
    expect(config.twilio).toBeUndefined();
  });

  it('names DATABASE_URL and masks its password when it is not a PostgreSQL URL', () => {
    const error = configError({ DATABASE_URL: 'mysql://admin:hunter2secret@db.internal/shop' });
    expect(error.message).toMatch(/^invalid configuration: DATABASE_URL: expected postgres:\/\//);
    expect(error.message).not.toContain('hunter2secret');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('rejects a malformed ENCRYPTION_KEYS without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const error = configError({ ENCRYPTION_KEYS: `k1:${short}` });
    expect(error.message).toContain('ENCRYPTION_KEYS: key "k1" must be base64 of exactly 32 bytes');
    expect(error.message).not.toContain(short);
    expect(configError({ ENCRYPTION_KEYS: 'no-separator' }).message).toContain(
      'ENCRYPTION_KEYS: entry 1 must look like',
    );
  });

  it('needs the active key id when several keys are given, and it must be one of them', () => {
    expect(configError({ ENCRYPTION_KEYS: `a:${key()},b:${key()}` }).message).toContain(
      'ENCRYPTION_ACTIVE_KEY_ID: required when ENCRYPTION_KEYS holds several keys (a, b)',
    );
    expect(configError({ ENCRYPTION_KEYS: `a:${key()}`, ENCRYPTION_ACTIVE_KEY_ID: 'z' }).message).toContain(
      'ENCRYPTION_ACTIVE_KEY_ID: "z" is not one of the ENCRYPTION_KEYS ids (a)',
    );
    const config = loadConfig({
      env: { ENCRYPTION_KEYS: `a:${key()},b:${key()}`, ENCRYPTION_ACTIVE_KEY_ID: 'b' },
      envFile: noFile,
    });
    expect(config.encryption?.activeKeyId).toBe('b');
    expect(config.encryption?.keys.size).toBe(2);
  });

  it('requires ENCRYPTION_KEYS in production', () => {
    expect(configError({ NODE_ENV: 'production' }).message).toContain(
      'ENCRYPTION_KEYS: required when NODE_ENV=production',
    );
  });

  it('reports every bad variable on one line', () => {
    const error = configError({ PORT: 'eighty', LOG_LEVEL: 'loud', PUBLIC_BASE_URL: 'not a url' });
    expect(error.message).toContain('PORT: expected a TCP port number');
    expect(error.message).toContain('LOG_LEVEL: expected one of');
    expect(error.message).toContain('PUBLIC_BASE_URL: expected an http(s) URL');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('asks for the missing half of a credential pair', () => {
    expect(configError({ SLACK_SIGNING_SECRET: 'abc' }).message).toContain('SLACK_BOT_TOKEN: required for Slack');
    expect(configError({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'x' }).message).toContain(
      'TWILIO_WHATSAPP_FROM: required when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN is set',
    );
  });

  it('asks Slack for what each mode needs', () => {
    expect(configError({ SLACK_BOT_TOKEN: 'xoxb-1' }).message).toContain(
      'SLACK_SIGNING_SECRET: required for Slack over HTTP',
    );
    expect(configError({ SLACK_SOCKET_MODE: 'true', SLACK_BOT_TOKEN: 'xoxb-1' }).message).toContain(
      'SLACK_APP_TOKEN: required when SLACK_SOCKET_MODE is true',
    );
    expect(configError({ SLACK_SOCKET_MODE: 'true', SLACK_APP_TOKEN: 'xapp-1' }).message).toContain(
      'SLACK_BOT_TOKEN: required when SLACK_SOCKET_MODE is true',
    );
    expect(configError({ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1.2' }).message).toContain(
      'SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: required when SLACK_CLIENT_ID is set',
    );
    const anyWorkspace = loadConfig({
      env: {
        SLACK_SIGNING_SECRET: 's',
        SLACK_CLIENT_ID: '1.2',
        SLACK_CLIENT_SECRET: 'c',
        SLACK_STATE_SECRET: 'x'.repeat(16),
      },
      envFile: noFile,
    });
    expect(anyWorkspace.slack?.oauth).toEqual({ clientId: '1.2', clientSecret: 'c', stateSecret: 'x'.repeat(16) });
    expect(anyWorkspace.slack?.botToken).toBeUndefined();
    // one workspace's token and installs to any workspace: Bolt would refuse at start
    expect(
      configError({
        SLACK_SIGNING_SECRET: 's',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_CLIENT_ID: '1.2',
        SLACK_CLIENT_SECRET: 'c',
        SLACK_STATE_SECRET: 'x'.repeat(16),
      }).message,
    ).toContain('SLACK_BOT_TOKEN: leave it unset when SLACK_CLIENT_ID is set');
  });

  it('switches channels on when their credentials are complete', () => {
    const config = loadConfig({
      env: { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', PUBLIC_BASE_URL: 'https://shopiq.example.com/' },
      envFile: noFile,
    });
    expect(config.slack).toEqual({
      signingSecret: 's',
      botToken: 'xoxb-1',
      oauth: undefined,
      appToken: undefined,
      socketMode: false,
      apiUrl: 'https://slack.com/api/',
    });
    expect(config.publicBaseUrl).toBe('https://shopiq.example.com');
  });

  it('reads a .env file, and the real environment wins over it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shopiq-env-'));
    writeFileSync(path.join(dir, '.env'), 'PORT=4100\nLOG_LEVEL=debug\nSHOPIQ_HOME=state\n');
    const config = loadConfig({ env: { LOG_LEVEL: 'warn' }, cwd: dir });
    expect(config.port).toBe(4100);
    expect(config.logLevel).toBe('warn');
    expect(config.home).toBe(path.join(dir, 'state'));
  });
});

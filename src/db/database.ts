/**
 * Which PostgreSQL ShopIQ uses: DATABASE_URL when given, else the embedded server.
 * Either way the caller gets a URL that answered a connection, or one clear error.
 */
import pg from 'pg';
import type { Config } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../logging/logger.ts';
import { maskDatabaseUrl } from './database-url.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.ts';

export interface DatabaseHandle {
  url: string;
  /** The URL with its password masked: what logs and `status` show. */
  displayUrl: string;
  kind: 'embedded' | 'external';
  embedded: EmbeddedDatabase | undefined;
  /** Stops the embedded server when this process owns it. */
  release(): Promise<void>;
}

export async function acquireDatabase(
  config: Pick<Config, 'databaseUrl' | 'home'>,
  log: Logger,
): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    await checkReachable(config.databaseUrl);
    return {
      url: config.databaseUrl,
      displayUrl: maskDatabaseUrl(config.databaseUrl),
      kind: 'external',
      embedded: undefined,
      release: async () => {},
    };
  }
  const embedded = await startEmbeddedPostgres({ home: config.home, log });
  return {
    url: embedded.url,
    displayUrl: maskDatabaseUrl(embedded.url),
    kind: 'embedded',
    embedded,
    release: () => embedded.stop(),
  };
}

async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } catch (cause) {
    const reason = describePgError(cause);
    throw new AppError('DATABASE_UNAVAILABLE', `DATABASE_URL: cannot connect to ${maskDatabaseUrl(url)}: ${reason}`, {
      cause,
    });
  } finally {
    await client.end().catch(() => {});
  }
}

export function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case '28P01':
      return 'password authentication failed';
    case '3D000':
      return 'database does not exist';
    default:
      return (e.message ?? String(error)).split('\n')[0] ?? 'unknown error';
  }
}

import { setTimeout as delay } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../logging/logger.ts';
import { withSchemaLock } from './schema-lock.ts';

/**
 * Applies pending migrations (all in one transaction) under the schema lock, so
 * processes migrating at once apply each migration once; returns the names applied.
 */
export async function applyMigrations(orm: MikroORM): Promise<string[]> {
  try {
    const applied = await withSchemaLock(orm.config.get('clientUrl') as string, () => orm.migrator.up());
    return applied.map((m) => m.name);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    // PostgreSQL's hint says what to do (e.g. the reader role ShopIQ may not create)
    const hint = hintOf(cause);
    throw new AppError('MIGRATION_FAILED', `database migration failed: ${message}${hint ? `. ${hint}` : ''}`, {
      cause,
    });
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.migrator.getPending()).map((m) => m.name);
}

/**
 * Waits until no migration is pending, for a service that does not migrate itself
 * (`SHOPIQ_MIGRATE_ON_START=false`): the migration Job applies them. Each look takes the
 * schema lock, so it waits out a migration in progress and never races its DDL.
 */
export async function waitForSchema(orm: MikroORM, log: Logger, signal: AbortSignal, everyMs = 2000): Promise<void> {
  let told = false;
  for (;;) {
    const pending = await withSchemaLock(orm.config.get('clientUrl') as string, () => pendingMigrations(orm));
    if (pending.length === 0) return;
    if (!told) {
      log.warn(
        { pending: pending.length },
        'waiting for the database schema: `shopiq migrate` (the migration Job) applies the pending migrations',
      );
      told = true;
    }
    await delay(everyMs, undefined, { signal });
  }
}

function hintOf(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const hint = (e as { hint?: unknown }).hint;
    if (typeof hint === 'string' && hint) return hint;
  }
  return undefined;
}

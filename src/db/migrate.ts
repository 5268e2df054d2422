import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../errors/app-error.ts';

/** Applies pending migrations (all in one transaction); returns the names applied. */
export async function applyMigrations(orm: MikroORM): Promise<string[]> {
  try {
    const applied = await orm.migrator.up();
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

function hintOf(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const hint = (e as { hint?: unknown }).hint;
    if (typeof hint === 'string' && hint) return hint;
  }
  return undefined;
}

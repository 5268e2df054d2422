import type { Queryable } from '../db/pool.ts';
import { AppError } from '../errors/app-error.ts';

/** The sellers a `--seller` option names: by id, or by display name (case-insensitive). */
export async function resolveSellers(db: Queryable, seller: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select id from "user" where id::text = $1 or lower(display_name) = lower($1) order by created_at`,
    [seller],
  );
  if (rows.length === 0) throw new AppError('NOT_FOUND', `no seller "${seller}" (give a seller id or name)`);
  return rows.map((r) => r.id);
}

/** One seller: the one named, or the only one there is. */
export async function resolveOneSeller(db: Queryable, seller: string | undefined): Promise<string> {
  if (seller) {
    const ids = await resolveSellers(db, seller);
    if (ids.length > 1)
      throw new AppError('BAD_REQUEST', `${ids.length} sellers are called "${seller}": give the seller id`);
    return ids[0] as string;
  }
  const { rows } = await db.query<{ id: string; name: string | null }>(
    'select id, display_name as name from "user" order by created_at limit 6',
  );
  if (rows.length === 1) return (rows[0] as { id: string }).id;
  if (rows.length === 0) {
    throw new AppError('NOT_FOUND', 'no seller yet: connect one first (e.g. `shopiq sandbox-connect --sandbox <url>`)');
  }
  const list = rows.slice(0, 5).map((r) => `${r.id}${r.name ? ` (${r.name})` : ''}`);
  throw new AppError('BAD_REQUEST', `several sellers: choose one with --seller <id or name>: ${list.join(', ')}`);
}

/**
 * A seller's daily model-token budget (`token_budget`, one row per seller and local
 * day). Every model request reserves its estimate before it is sent, in one statement
 * that locks the day's row and grants at most what is left, so two answers at once
 * cannot both spend the last of it; when the request returns, its actual tokens are
 * counted and the reservation released, whatever the rest of the answer does. A
 * request may use more than it reserved: the budget is passed by one request at most.
 */
import type { Queryable } from '../db/pool.ts';
import { localDate } from '../time/local-time.ts';
import type { LlmUsage } from './llm/llm-client.ts';

export interface TokenAllowance {
  /** Reserves up to `estimate` tokens for one request (less when less is left); 0: none is left today. */
  reserve(estimate: number): Promise<number>;
  /** The request ended: its tokens (none if it failed) are counted and `reserved` is released. */
  settle(reserved: number, usage: LlmUsage | undefined): Promise<void>;
}

/** Tokens a request counts: input (cached or not) and output. */
export const tokensOf = (u: LlmUsage): number =>
  u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;

export function dailyTokenBudget(
  db: Queryable,
  seller: { userId: string; timezone: string },
  budget: number,
  now: Date,
): TokenAllowance {
  const { userId, timezone } = seller;
  const day = localDate(now, timezone);
  return {
    async reserve(estimate) {
      const tokens = Math.max(1, Math.ceil(estimate));
      const first = await grant(db, userId, day, tokens, budget);
      if (first !== undefined) return first;
      // the day's first request: its row starts from the answers recorded before this table kept count
      await db.query(
        `insert into token_budget (user_id, day, used, reserved, updated_at)
         select $1, $2::date, coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0), 0, now()
           from chat_message
          where user_id = $1 and created_at >= ($2::date::timestamp at time zone $3)
            and created_at < (($2::date + 1)::timestamp at time zone $3)
         on conflict (user_id, day) do nothing`,
        [userId, day, timezone],
      );
      return (await grant(db, userId, day, tokens, budget)) ?? 0;
    },
    async settle(reserved, usage) {
      await db.query(
        `update token_budget set used = used + $3, reserved = greatest(reserved - $4, 0), updated_at = now()
          where user_id = $1 and day = $2`,
        [userId, day, usage ? tokensOf(usage) : 0, reserved],
      );
    },
  };
}

/** Days past any timezone's today, kept a week for operators, then dropped (the `purge` job). */
export async function purgeTokenBudgets(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`delete from token_budget where day < current_date - 7`);
  return rowCount ?? 0;
}

/**
 * Reserves up to `tokens` on the day's row, locked for the statement so that concurrent
 * reservations queue: what it granted (0 when nothing is left); undefined: no row yet.
 */
async function grant(
  db: Queryable,
  userId: string,
  day: string,
  tokens: number,
  budget: number,
): Promise<number | undefined> {
  const { rows } = await db.query<{ found: boolean; granted: string }>(
    `with current as (
       select used, reserved from token_budget where user_id = $1 and day = $2 for update),
     grant_ as (select least($3::bigint, $4::bigint - used - reserved) as n from current where used + reserved < $4),
     reserved as (
       update token_budget t set reserved = t.reserved + g.n, updated_at = now()
         from grant_ g where t.user_id = $1 and t.day = $2
       returning g.n)
     select exists (select 1 from current) as found, coalesce((select n from reserved), 0)::text as granted`,
    [userId, day, tokens, budget],
  );
  const row = rows[0];
  return row?.found ? Number(row.granted) : undefined;
}

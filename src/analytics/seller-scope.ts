/**
 * Whose data an analytics query reads, and how its answer is expressed. Built by the
 * server from the resolved seller, never from anything the model or the seller typed:
 * every query takes one and filters on its `userId`.
 */
import type { Queryable } from '../db/pool.ts';
import { canonicalTimezone } from '../time/local-time.ts';

export interface SellerScope {
  userId: string;
  /** IANA zone the seller's days, weeks and months are counted in. */
  timezone: string;
  /** ISO 4217 code answers are given in. */
  currency: string;
}

export async function loadSellerScope(db: Queryable, userId: string): Promise<SellerScope | undefined> {
  const { rows } = await db.query<{ timezone: string; currency: string }>(
    'select timezone, reporting_currency as currency from "user" where id = $1',
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { userId, timezone: canonicalTimezone(row.timezone) ?? 'UTC', currency: row.currency };
}

/** Digits after the decimal point the currency is quoted in (JPY 0, KWD 3, most 2). */
export function minorDigits(currency: string): number {
  let digits = MINOR_DIGITS.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    if (MINOR_DIGITS.size < 1000) MINOR_DIGITS.set(currency, digits);
  }
  return digits;
}

const MINOR_DIGITS = new Map<string, number>();

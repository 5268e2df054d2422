/**
 * COPY … FROM STDIN in PostgreSQL's text format: the fastest way rows get into a
 * table (batched heap inserts), used for rows known to be new. Values are escaped as
 * the format requires; null is \N.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\t\n\r]/;

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'boolean'
          ? value
            ? 't'
            : 'f'
          : String(value);
  // most values need no escaping: test before building a new string
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : text;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function* lines(rows: Iterable<unknown[]>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += i === 0 ? field(row[i]) : `\t${field(row[i])}`;
    chunk += `${line}\n`;
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<unknown[]>,
): Promise<void> {
  const sql = `copy ${table} (${columns.join(', ')}) from stdin`;
  await pipeline(Readable.from(lines(rows)), client.query(copyFrom(sql)));
}

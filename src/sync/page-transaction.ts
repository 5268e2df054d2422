/**
 * Page-atomic writes: a page's rows, its quarantined records and the stream's advanced
 * cursor commit in ONE transaction, after checking the seller's sync lease inside it.
 * A crash loses at most the page in flight, which the next run reads again; a worker
 * that lost its lease cannot write at all, nor can a run whose connection the seller
 * disconnected meanwhile (the run stops there).
 */
import type pg from 'pg';
import type { StreamCursor } from '../db/entities/marketplace-connection.entity.ts';
import type { Marketplace } from '../db/enums.ts';
import { inTransaction } from '../db/pool.ts';
import type { QuarantinedRecord, Stream } from '../marketplaces/marketplace-client.ts';
import { assertLease, type Lease, LeaseLostError } from './sync-lease.ts';

export interface PageTarget {
  userId: string;
  connectionId: string;
  marketplace: Marketplace;
  lease: Pick<Lease, 'userId' | 'holder' | 'version'>;
}

export interface PageCommit extends PageTarget {
  stream: Stream;
  /** Where the next run continues: saved with the rows it covers. */
  cursor: StreamCursor;
  quarantined?: QuarantinedRecord[];
  /** Ids written well in this page: their old quarantine entries are cleared. */
  writtenIds?: string[];
}

const PAYLOAD_LIMIT = 20_000;

/** The connection was disconnected while its sync ran: nothing more is written for it. */
export class ConnectionGoneError extends Error {
  constructor(connectionId: string) {
    super(`connection ${connectionId} was disconnected while it synced`);
    this.name = 'ConnectionGoneError';
  }
}

export async function commitPage<T>(
  pool: pg.Pool,
  page: PageCommit,
  writeRows: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  // only the seller's own lease fences the seller's rows
  if (page.lease.userId !== page.userId) throw new LeaseLostError(page.lease);
  return inTransaction(pool, async (client) => {
    await assertLease(client, page.lease);
    // held until the page commits: a disconnect waits for it, and the next page sees it
    const { rows } = await client.query<{ status: string }>(
      'select status from marketplace_connection where id = $1 for share',
      [page.connectionId],
    );
    if (rows[0]?.status === 'DISCONNECTED') throw new ConnectionGoneError(page.connectionId);
    const result = await writeRows(client);
    await recordQuarantine(client, page);
    await advanceCursor(client, page.connectionId, page.stream, page.cursor);
    return result;
  });
}

async function recordQuarantine(client: pg.PoolClient, page: PageCommit): Promise<void> {
  if (page.writtenIds?.length) {
    await client.query(
      'delete from sync_quarantine where connection_id = $1 and stream = $2 and external_id = any($3::text[])',
      [page.connectionId, page.stream, page.writtenIds],
    );
  }
  const records = page.quarantined ?? [];
  if (records.length === 0) return;
  await client.query(
    `insert into sync_quarantine (user_id, connection_id, marketplace, stream, external_id, reason, payload, seen_at)
     select $1, $2, $3, $4, u.external_id, u.reason, u.payload, now()
       from unnest($5::text[], $6::text[], $7::text[]) as u(external_id, reason, payload)
     on conflict (connection_id, stream, external_id) do update
        set reason = excluded.reason, payload = excluded.payload, seen_at = now()`,
    [
      page.userId,
      page.connectionId,
      page.marketplace,
      page.stream,
      records.map((r) => r.externalId),
      records.map((r) => r.reason.slice(0, 1000)),
      records.map((r) => payloadText(r.payload)),
    ],
  );
}

function payloadText(payload: unknown): string {
  const text = typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? String(payload));
  return text.length > PAYLOAD_LIMIT ? `${text.slice(0, PAYLOAD_LIMIT)}…` : text;
}

/**
 * Saves a stream's cursor unless the stored one is further on: a re-read page or a
 * stale worker never moves it back, and a cursor without a position never replaces
 * one with a position.
 */
export async function advanceCursor(
  client: pg.PoolClient,
  connectionId: string,
  stream: Stream,
  cursor: StreamCursor,
): Promise<void> {
  await client.query(
    `update marketplace_connection
        set cursors = jsonb_set(cursors, array[$2::text], $3::jsonb), updated_at = now()
      where id = $1
        and (cursors -> $2 ->> 'updatedAt' is null
             or (cursors -> $2 ->> 'updatedAt')::timestamptz <= ($3::jsonb ->> 'updatedAt')::timestamptz)`,
    [connectionId, stream, JSON.stringify({ ...cursor, committedAt: new Date().toISOString() })],
  );
}

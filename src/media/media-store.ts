/**
 * Images a chat channel sends by URL (WhatsApp through Twilio fetches `mediaUrl`
 * itself). They are kept in PostgreSQL so that whichever web replica the fetch reaches
 * can serve them. The id is the only key to an image: 24 random bytes, so a URL cannot
 * be guessed or walked to; an image lives a day (`expires_at`), then the daily purge
 * drops it.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import { AppError } from '../errors/app-error.ts';

export const MEDIA_TTL_MS = 24 * 3_600_000;
/** What the path of an image starts with (media-router.ts serves it). */
export const MEDIA_PATH_PREFIX = '/media/';
/** Whether `id` could be a media id at all (24 bytes in base64url: 32 characters). */
export const isMediaId = (id: string): boolean => /^[A-Za-z0-9_-]{32}$/.test(id);

/** The images WhatsApp takes, and the extension each is served under. */
export const MEDIA_EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

export interface NewMedia {
  bytes: Uint8Array;
  contentType: string;
  /** How long the image is served; a day unless given. */
  ttlMs?: number;
}

export interface SavedMedia {
  id: string;
  /** `/media/<id>.png`: joined to the public base URL, what the channel sends. */
  path: string;
}

export interface StoredMedia {
  contentType: string;
  bytes: Buffer;
  expiresAt: Date;
}

export async function saveMedia(
  db: Queryable,
  { bytes, contentType, ttlMs = MEDIA_TTL_MS }: NewMedia,
): Promise<SavedMedia> {
  const extension = MEDIA_EXTENSIONS[contentType];
  if (!extension) throw new AppError('BAD_REQUEST', `media of type ${contentType} is not served`);
  const id = randomBytes(24).toString('base64url');
  await db.query(
    `insert into chat_media (id, content_type, bytes, created_at, expires_at)
     values ($1, $2, $3, now(), now() + make_interval(secs => $4))`,
    [id, contentType, Buffer.from(bytes), ttlMs / 1000],
  );
  return { id, path: `${MEDIA_PATH_PREFIX}${id}.${extension}` };
}

/** The image under `id`, or undefined when there is none or it has expired. */
export async function loadMedia(db: Queryable, id: string): Promise<StoredMedia | undefined> {
  if (!isMediaId(id)) return undefined;
  const { rows } = await db.query<{ content_type: string; bytes: Buffer; expires_at: Date }>(
    'select content_type, bytes, expires_at from chat_media where id = $1 and expires_at > now()',
    [id],
  );
  const row = rows[0];
  return row && { contentType: row.content_type, bytes: row.bytes, expiresAt: row.expires_at };
}

/** Expired images: nothing links to them any more. */
export async function purgeMedia(db: Queryable): Promise<number> {
  const { rowCount } = await db.query('delete from chat_media where expires_at < now()');
  return rowCount ?? 0;
}

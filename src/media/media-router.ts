/**
 * `GET /media/<id>.<ext>`: the images saved by media-store.ts, for whoever has the URL
 * (Twilio fetching a WhatsApp `mediaUrl`). Mounted at the root of the express app. An
 * id that is malformed, unknown or expired, or asked for under another extension, is a
 * 404 alike; a malformed one never reaches the database.
 */
import { Router } from 'express';
import type { Queryable } from '../db/pool.ts';
import type { Logger } from '../logging/logger.ts';
import { isMediaId, loadMedia, MEDIA_EXTENSIONS } from './media-store.ts';

const FILE = /^(.+)\.([a-z]+)$/;
/** A day, as long as an image lives by default: its bytes never change under its id. */
const CACHE_CONTROL = 'public, max-age=86400, immutable';

export function mediaRouter(deps: { db: Queryable; log: Logger }): Router {
  const router = Router();
  router.get('/media/:file', async (req, res, next) => {
    try {
      const [, id = '', extension] = FILE.exec(req.params.file) ?? [];
      const wellFormed = isMediaId(id);
      const media = wellFormed ? await loadMedia(deps.db, id) : undefined;
      if (!media || MEDIA_EXTENSIONS[media.contentType] !== extension) {
        // the id is the image's only key: it is not logged
        deps.log.debug({ wellFormed }, 'media not found');
        res.status(404).json({ error: 'not_found' });
        return;
      }
      res.status(200).set({
        'Content-Type': media.contentType,
        'Content-Length': String(media.bytes.length),
        'Cache-Control': CACHE_CONTROL,
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(media.bytes);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/**
 * WhatsApp through Twilio, on the web role: `POST /twilio/whatsapp` takes Twilio's
 * form-encoded webhook (64 KB at most), checks `X-Twilio-Signature` against the public
 * URL (PUBLIC_BASE_URL + path, never the URL seen behind a proxy; 403 and nothing runs
 * when it fails), answers empty TwiML at once (Twilio waits 15 s) and hands the message
 * to the chat gateway, which answers through the REST API. `POST /twilio/status` keeps
 * the messages that failed to arrive, with Twilio's error code.
 */

import express, { type Request, type Router } from 'express';
import type pg from 'pg';
import type { TwilioConfig } from '../../config/config.ts';
import { textReply } from '../../conversation/reply.ts';
import { claimDelivery } from '../../db/deliveries.ts';
import type { Logger } from '../../logging/logger.ts';
import { metrics } from '../../observability/metrics.ts';
import type { ChatGateway } from '../chat-gateway.ts';
import { currencyOfNumber, timezoneOfNumber } from './number-timezone.ts';
import { validTwilioSignature } from './twilio-rest.ts';
import type { WhatsAppOutputFactory } from './whatsapp-output.ts';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const BODY_LIMIT = '64kb';
const NUMBER = /^whatsapp:(\+[1-9]\d{6,14})$/;
const TEXT_ONLY =
  'I can only read text for now: please type your question (photos, voice notes and locations are not read).';
const FAILED = new Set(['failed', 'undelivered']);

export interface WhatsAppRouterDeps {
  twilio: TwilioConfig;
  publicBaseUrl: string;
  gateway: ChatGateway;
  db: pg.Pool;
  log: Logger;
  outputFor: WhatsAppOutputFactory;
}

export function whatsappRouter(deps: WhatsAppRouterDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 });
  const log = deps.log.child({ channel: 'whatsapp' });
  const signed = (req: Request) =>
    validTwilioSignature(
      deps.twilio.authToken,
      req.get('x-twilio-signature'),
      `${deps.publicBaseUrl}${req.originalUrl}`,
      (req.body ?? {}) as Record<string, string>,
    );

  router.post('/whatsapp', form, (req, res) => {
    if (!signed(req)) {
      log.warn({ path: req.originalUrl }, 'Twilio request with a bad signature refused');
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    const params = req.body as Record<string, string | undefined>;
    const from = NUMBER.exec(params.From ?? '')?.[1];
    const sid = params.MessageSid;
    if (!from || !sid) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    res.type('text/xml').send(EMPTY_TWIML);
    const text = (params.Body ?? '').trim();
    const output = deps.outputFor(from);
    const work = text
      ? deps.gateway.receive(
          {
            deliveryId: sid,
            identity: { channel: 'whatsapp', externalId: from },
            conversationId: from,
            text,
            profile: async () => ({
              displayName: params.ProfileName || undefined,
              timezone: timezoneOfNumber(from),
              currency: currencyOfNumber(from),
            }),
          },
          output,
        )
      : answerNonText(deps.db, sid, output);
    work.catch((err: unknown) => log.error({ err, messageSid: sid }, 'answering a WhatsApp message failed'));
  });

  router.post('/status', form, async (req, res) => {
    if (!signed(req)) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    const { MessageSid: sid, MessageStatus: status, ErrorCode: code, To: to } = req.body as Record<string, string>;
    const number = NUMBER.exec(to ?? '')?.[1];
    if (sid && status && number && FAILED.has(status)) {
      await deps.db.query(
        `insert into chat_delivery_failure (channel, external_id, message_sid, status, error_code, failed_at)
         values ('whatsapp', $1, $2, $3, $4, now()) on conflict (message_sid) do nothing`,
        [number, sid, status, code || null],
      );
      metrics.sendFailed('whatsapp', 'reported');
      log.warn({ messageSid: sid, status, errorCode: code }, 'a WhatsApp message did not arrive');
    }
    res.status(204).end();
  });

  return router;
}

/** A photo, voice note or location without words: said once that only text is read. */
async function answerNonText(db: pg.Pool, sid: string, output: ReturnType<WhatsAppOutputFactory>): Promise<void> {
  if (await claimDelivery(db, 'whatsapp', sid)) await output.send(textReply(TEXT_ONLY));
}

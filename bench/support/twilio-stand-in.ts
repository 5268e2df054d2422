/**
 * A local stand-in for Twilio's REST API on 127.0.0.1 (what TWILIO_BASE_URL points at):
 * `POST /2010-04-01/Accounts/<sid>/Messages.json` is answered as Twilio answers a
 * message taken (201, queued) and recorded with its To, Body or MediaUrl and when it
 * arrived. Nothing else is served (404).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageCreated, type SentMessage } from '../../test/support/twilio-payloads.ts';

const MESSAGES = /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json$/;

export interface OutboundMessage {
  /** `whatsapp:+E164`. */
  to: string;
  body: string | undefined;
  mediaUrl: string | undefined;
  /** performance.now() at arrival. */
  at: number;
}

export interface TwilioStandIn {
  baseUrl: string;
  messages: OutboundMessage[];
  stop(): Promise<void>;
}

export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const messages: OutboundMessage[] = [];
  const server = http.createServer(async (req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !MESSAGES.test(req.url ?? '')) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())) as unknown as SentMessage;
    messages.push({ to: params.To, body: params.Body, mediaUrl: params.MediaUrl, at });
    res.statusCode = 201;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(messageCreated(params)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

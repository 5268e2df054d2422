/**
 * A local stand-in for Slack's Web API (and its file upload host) on 127.0.0.1: every
 * `POST /api/<method>` is answered as Slack answers it, and recorded with the thread it
 * concerns and when it arrived. Stream calls (`appendStream`, `stopStream`) name only
 * the stream's message `ts`; the stand-in maps it back to the thread `startStream`
 * opened, so every call of an answer is found by its thread.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeSlackApiBody, slackApiAnswer } from '../../test/support/slack-payloads.ts';

export interface StandInCall {
  method: string;
  channel: string | undefined;
  threadTs: string | undefined;
  /** performance.now() at arrival. */
  at: number;
}

export interface SlackStandIn {
  /** What SLACK_API_URL points at (ends with `/api/`). */
  apiUrl: string;
  calls: StandInCall[];
  stop(): Promise<void>;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const calls: StandInCall[] = [];
  const threadOfStream = new Map<string, string>();
  let base = '';
  const server = http.createServer(async (req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '';
    if (path.startsWith('/upload/')) {
      calls.push({ method: 'file-upload', channel: undefined, threadTs: undefined, at });
      res.end('OK');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const args = decodeSlackApiBody(Buffer.concat(chunks).toString());
    const answer = slackApiAnswer(method, args, { filesBase: base });
    const channel: string | undefined = args.channel ?? args.channel_id;
    let threadTs: string | undefined = args.thread_ts;
    if (method === 'chat.startStream' && threadTs) threadOfStream.set(answer.ts as string, threadTs);
    if (method === 'chat.appendStream' || method === 'chat.stopStream') threadTs = threadOfStream.get(args.ts);
    calls.push({ method, channel, threadTs, at });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    calls,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

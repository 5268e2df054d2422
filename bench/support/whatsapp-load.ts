/**
 * Twilio's side of the whatsapp benchmark, in a child process of its own
 * (`load-process.ts`): the REST API stand-in, and the load, inbound messages delivered
 * signed to `/twilio/whatsapp` by the clock, each twice (the same MessageSid, or with
 * `newSidOnRepeat` a new one: a check that duplicate answers are caught). The parent
 * drives it by `startWhatsAppLoad`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inboundMessage, postToTwilioWebhook } from '../../test/support/twilio-payloads.ts';
import { forkLoadProcess, paceByClock, repeatAfterMs, serveParent, waitUntil } from './load-process.ts';
import { type OutboundMessage, startTwilioStandIn, type TwilioStandIn } from './twilio-stand-in.ts';

export const WEBHOOK_PATH = '/twilio/whatsapp';

export interface LoadPlan {
  url: string;
  /** E.164 numbers the messages come from, in turn. */
  numbers: string[];
  question: string;
  count: number;
  rate: number;
  /** Whether the repeat carries a new MessageSid (Twilio never does: a check of the duplicate count). */
  newSidOnRepeat: boolean;
  /** Is this message (its Body) an answer? Waited for, one per message sent. */
  answerStart: string;
  /** How long to wait for every answer once all is sent. */
  timeoutS: number;
}

/** One message of the load: its number and when its deliveries went out (performance.now() of the child). */
export interface SentMessage {
  number: string;
  sentAt: number;
  repeatSentAt: number;
}

export interface Delivered {
  sent: SentMessage[];
  /** Response time of every delivery, first and repeat, ms. */
  acks: number[];
  /** Deliveries answered with anything but 200. */
  refused: number;
}

type Request = { deliver: LoadPlan } | { messages: true };

export interface WhatsAppLoad {
  /** What TWILIO_BASE_URL points at. */
  baseUrl: string;
  /** Sends a plan's messages, then waits for their answers (or the timeout). */
  deliver(plan: LoadPlan): Promise<Delivered>;
  /** Every message the stand-in has taken so far. */
  messages(): Promise<OutboundMessage[]>;
  stop(): Promise<void>;
}

export async function startWhatsAppLoad(): Promise<WhatsAppLoad> {
  const child = await forkLoadProcess<{ baseUrl: string }>(fileURLToPath(import.meta.url));
  return {
    baseUrl: child.hello.baseUrl,
    deliver: (plan) => child.ask<Delivered>({ deliver: plan } satisfies Request),
    messages: () => child.ask<OutboundMessage[]>({ messages: true } satisfies Request),
    stop: () => child.stop(),
  };
}

/** The child: a stand-in, and each plan the parent sends, delivered. */
async function serveLoad(): Promise<void> {
  const standIn = await startTwilioStandIn();
  const answer = async (request: Request) => {
    if ('messages' in request) return standIn.messages;
    const delivered = await deliver(request.deliver);
    await waitForAnswers(standIn, request.deliver, delivered.sent);
    return delivered;
  };
  serveParent({ baseUrl: standIn.baseUrl }, answer, () => standIn.stop());
}

let newSids = 0;

/** `count` messages at `rate`/s by the clock (not waiting for answers), each delivered twice. */
async function deliver(plan: LoadPlan): Promise<Delivered> {
  const result: Delivered = { sent: [], acks: [], refused: 0 };
  const post = async (params: Record<string, string>) => {
    const t = performance.now();
    const response = await postToTwilioWebhook(plan.url, WEBHOOK_PATH, params);
    result.acks.push(performance.now() - t);
    if (response.status !== 200) result.refused++;
    await response.arrayBuffer();
    return t;
  };
  await paceByClock(plan.count, plan.rate, async (i) => {
    const number = plan.numbers[i % plan.numbers.length] as string;
    const params = inboundMessage(number, plan.question);
    const sent: SentMessage = { number, sentAt: performance.now(), repeatSentAt: Number.NaN };
    result.sent.push(sent);
    const first = post(params);
    await delay(repeatAfterMs(i));
    const sid = `SM${String(++newSids).padStart(32, 'f')}`;
    sent.repeatSentAt = await post(plan.newSidOnRepeat ? { ...params, MessageSid: sid, SmsMessageSid: sid } : params);
    await first;
  });
  return result;
}

/** Waits until every number has had an answer per message it sent, or the time is up. */
async function waitForAnswers(standIn: TwilioStandIn, plan: LoadPlan, sent: SentMessage[]): Promise<void> {
  const waiting = new Map<string, number>();
  for (const { number } of sent) waiting.set(`whatsapp:${number}`, (waiting.get(`whatsapp:${number}`) ?? 0) + 1);
  let seen = 0;
  await waitUntil(() => {
    for (; seen < standIn.messages.length; seen++) {
      const { to, body } = standIn.messages[seen] as OutboundMessage;
      const left = waiting.get(to);
      if (left === undefined || !body?.startsWith(plan.answerStart)) continue;
      if (left > 1) waiting.set(to, left - 1);
      else waiting.delete(to);
    }
    return waiting.size === 0;
  }, plan.timeoutS);
  if (waiting.size > 0) process.stderr.write(`${waiting.size} numbers not answered after ${plan.timeoutS} s\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serveLoad();

/**
 * Slack's side of the slack benchmark, in a child process of its own
 * (`load-process.ts`): the Web API stand-in, and the load, DM events delivered signed
 * to `/slack/events` by the clock, each twice. The parent drives it by `startSlackLoad`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { dmEvent, eventEnvelope, postToSlack, slackSignature } from '../../test/support/slack-payloads.ts';
import { forkLoadProcess, paceByClock, repeatAfterMs, serveParent, waitUntil } from './load-process.ts';
import { type SlackStandIn, type StandInCall, startSlackStandIn } from './slack-stand-in.ts';

/** Slack calls that deliver an answer. */
export const ANSWER_CALLS = new Set(['chat.stopStream', 'chat.postMessage']);

export interface LoadPlan {
  url: string;
  /** Slack user ids the DMs come from, in turn. */
  users: string[];
  question: string;
  count: number;
  rate: number;
  /** How long to wait for every thread's answer once all is sent. */
  timeoutS: number;
}

/** One event of the load: its thread and when its deliveries went out (performance.now() of the child). */
export interface SentEvent {
  threadTs: string;
  sentAt: number;
  retrySentAt: number;
}

export interface Delivered {
  sent: SentEvent[];
  /** Response time of every delivery, first and retry, ms. */
  acks: number[];
  /** Deliveries answered with anything but 200. */
  refused: number;
}

type Request = { deliver: LoadPlan } | { calls: true };

export interface SlackLoad {
  apiUrl: string;
  /** Sends a plan's events, then waits for their answers (or the timeout). */
  deliver(plan: LoadPlan): Promise<Delivered>;
  /** Every Slack call the stand-in has had so far. */
  calls(): Promise<StandInCall[]>;
  stop(): Promise<void>;
}

export async function startSlackLoad(): Promise<SlackLoad> {
  const child = await forkLoadProcess<{ apiUrl: string }>(fileURLToPath(import.meta.url));
  return {
    apiUrl: child.hello.apiUrl,
    deliver: (plan) => child.ask<Delivered>({ deliver: plan } satisfies Request),
    calls: () => child.ask<StandInCall[]>({ calls: true } satisfies Request),
    stop: () => child.stop(),
  };
}

/** The child: a stand-in, and each plan the parent sends, delivered. */
async function serveLoad(): Promise<void> {
  const standIn = await startSlackStandIn();
  const answer = async (request: Request) => {
    if ('calls' in request) return standIn.calls;
    const delivered = await deliver(request.deliver);
    await waitForAnswers(standIn, delivered.sent, request.deliver.timeoutS);
    return delivered;
  };
  serveParent({ apiUrl: standIn.apiUrl }, answer, () => standIn.stop());
}

/** `count` DM events at `rate`/s by the clock (not waiting for answers), each delivered twice. */
async function deliver(plan: LoadPlan): Promise<Delivered> {
  const result: Delivered = { sent: [], acks: [], refused: 0 };
  const post = async (body: string, retry: boolean) => {
    const headers = {
      ...slackSignature(body),
      ...(retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}),
    };
    const t = performance.now();
    const response = await postToSlack(plan.url, body, 'application/json', headers);
    result.acks.push(performance.now() - t);
    if (response.status !== 200) result.refused++;
    await response.arrayBuffer();
    return t;
  };
  await paceByClock(plan.count, plan.rate, async (i) => {
    const event = dmEvent(plan.users[i % plan.users.length] as string, plan.question);
    const body = eventEnvelope(event, { eventId: `EvBENCH${event.ts.replace('.', '')}` });
    const sent: SentEvent = { threadTs: event.ts, sentAt: performance.now(), retrySentAt: Number.NaN };
    result.sent.push(sent);
    const first = post(body, false);
    await delay(repeatAfterMs(i));
    sent.retrySentAt = await post(body, true);
    await first;
  });
  return result;
}

/** Waits until every thread has had an answer, or the time is up. */
async function waitForAnswers(standIn: SlackStandIn, sent: SentEvent[], timeoutS: number): Promise<void> {
  const waiting = new Set(sent.map((s) => s.threadTs));
  let seen = 0;
  await waitUntil(() => {
    for (; seen < standIn.calls.length; seen++) {
      const call = standIn.calls[seen] as StandInCall;
      if (ANSWER_CALLS.has(call.method) && call.threadTs) waiting.delete(call.threadTs);
    }
    return waiting.size === 0;
  }, timeoutS);
  if (waiting.size > 0) process.stderr.write(`${waiting.size} threads unanswered after ${timeoutS} s\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serveLoad();

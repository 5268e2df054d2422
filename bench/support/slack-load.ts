/**
 * Slack's side of the slack benchmark, in a child process of its own so that the web
 * process measured runs nothing but the service: the Web API stand-in, and the load,
 * DM events delivered signed to `/slack/events` by the clock, each twice. Times are
 * taken in the child only (when a delivery went out, when its response came, when a
 * Slack call arrived), so they share one clock. The parent drives it by `startSlackLoad`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { dmEvent, eventEnvelope, postToSlack, slackSignature } from '../../test/support/slack-payloads.ts';
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
  const child = fork(fileURLToPath(import.meta.url), [], { serialization: 'advanced', stdio: 'inherit' });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (m) => resolve(m as T));
      child.once('exit', (code) => reject(new Error(`the Slack load process exited with ${code}`)));
    });
  const ask = <T>(request: Request) => {
    const answer = next<T>();
    child.send(request);
    return answer;
  };
  const { apiUrl } = await next<{ apiUrl: string }>();
  return {
    apiUrl,
    deliver: (plan) => ask<Delivered>({ deliver: plan }),
    calls: () => ask<StandInCall[]>({ calls: true }),
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.disconnect();
  });
}

/** The child: a stand-in, and each plan the parent sends, delivered. */
async function serveLoad(): Promise<void> {
  const standIn = await startSlackStandIn();
  const send = (m: unknown) => process.send?.(m);
  const answer = async (request: Request) => {
    if ('calls' in request) return standIn.calls;
    const delivered = await deliver(request.deliver);
    await waitForAnswers(standIn, delivered.sent, request.deliver.timeoutS);
    return delivered;
  };
  process.on('message', (request: Request) => void answer(request).then(send));
  process.once('disconnect', () => void standIn.stop());
  send({ apiUrl: standIn.apiUrl });
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
  const sending: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < plan.count; i++) {
    const wait = t0 + (i * 1000) / plan.rate - performance.now();
    if (wait > 1) await delay(wait);
    const event = dmEvent(plan.users[i % plan.users.length] as string, plan.question);
    const body = eventEnvelope(event, { eventId: `EvBENCH${event.ts.replace('.', '')}` });
    const sent: SentEvent = { threadTs: event.ts, sentAt: performance.now(), retrySentAt: Number.NaN };
    result.sent.push(sent);
    sending.push(
      (async () => {
        const first = post(body, false);
        // Slack retries after 3 s without a response; sooner here, so that most retries meet a turn still running
        await delay(50 + ((i * 37) % 151));
        sent.retrySentAt = await post(body, true);
        await first;
      })(),
    );
  }
  await Promise.all(sending);
  return result;
}

/** Polls the stand-in's record until every thread has had an answer, or the time is up. */
async function waitForAnswers(standIn: SlackStandIn, sent: SentEvent[], timeoutS: number): Promise<void> {
  const deadline = performance.now() + timeoutS * 1000;
  const waiting = new Set(sent.map((s) => s.threadTs));
  let seen = 0;
  while (waiting.size > 0 && performance.now() < deadline) {
    for (; seen < standIn.calls.length; seen++) {
      const call = standIn.calls[seen] as StandInCall;
      if (ANSWER_CALLS.has(call.method) && call.threadTs) waiting.delete(call.threadTs);
    }
    await delay(50);
  }
  if (waiting.size > 0) process.stderr.write(`${waiting.size} threads unanswered after ${timeoutS} s\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serveLoad();

/**
 * What the chat channel benchmarks' load processes share. The channel's side (its API
 * stand-in and the load) runs in a child process of its own, so the web process
 * measured runs nothing but the service, and every time is taken in the child (when a
 * delivery went out, when its response came, when an API call arrived) on one clock.
 * The parent forks it (`forkLoadProcess`) and asks it one request at a time; the child
 * answers them (`serveParent`). Deliveries go out by the clock, each twice.
 */
import { fork } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export interface LoadProcess<Hello> {
  /** What the child said once ready (its stand-in's URL). */
  hello: Hello;
  ask<T>(request: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `modulePath` (which calls `serveParent`) and waits for its hello. */
export async function forkLoadProcess<Hello>(modulePath: string): Promise<LoadProcess<Hello>> {
  const child = fork(modulePath, [], { serialization: 'advanced', stdio: 'inherit' });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (m) => resolve(m as T));
      child.once('exit', (code) => reject(new Error(`the load process ${modulePath} exited with ${code}`)));
    });
  const hello = await next<Hello>();
  return {
    hello,
    ask<T>(request: unknown) {
      const answer = next<T>();
      child.send(request as object);
      return answer;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/** The child's side: says hello, answers each request of the parent, calls `stop` when the parent lets go. */
export function serveParent<Request>(
  hello: unknown,
  answer: (request: Request) => Promise<unknown>,
  stop: () => Promise<void>,
): void {
  const send = (m: unknown) => process.send?.(m);
  process.on('message', (request: Request) => void answer(request).then(send));
  process.once('disconnect', () => void stop());
  send(hello);
}

/**
 * `count` deliveries at `rate`/s by the clock (not waiting for any to finish): `start(i)`
 * is called on time for each; resolves when all they started is done.
 */
export async function paceByClock(count: number, rate: number, start: (i: number) => Promise<unknown>): Promise<void> {
  const started: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await delay(wait);
    started.push(start(i));
  }
  await Promise.all(started);
}

/**
 * When the i-th delivery is delivered again, ms after the first: 50–200. Slack retries
 * after 3 s without a response, Twilio after its 15 s timeout; sooner here, so that most
 * repeats meet a turn still running.
 */
export const repeatAfterMs = (i: number) => 50 + ((i * 37) % 151);

/** Polls `done` every 50 ms until it holds or `timeoutS` is up; whether it held. */
export async function waitUntil(done: () => boolean, timeoutS: number): Promise<boolean> {
  const deadline = performance.now() + timeoutS * 1000;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await delay(50);
  }
  return true;
}

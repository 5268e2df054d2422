/**
 * Charts drawn off the event loop. Drawing one (Vega-Lite compile, SVG, resvg to PNG)
 * is about 0.1 s of CPU: on the web process's own thread it held up every Slack ack
 * and answer behind it. One worker thread draws them, one at a time, in the order
 * asked; it starts on first use and does not keep the process alive.
 *
 * resvg's native memory is not given back while its thread lives (about 1 MB a chart:
 * thx/resvg-js#216), so a thread draws `CHARTS_PER_THREAD` charts and is ended, and
 * the next chart starts a fresh one. A thread that dies fails the chart it was
 * drawing; the next one starts a fresh thread too.
 *
 * Under a burst the thread cannot keep up (about ten charts a second): beyond
 * `MAX_WAITING` charts waiting, a chart is refused at once (`ChartsBusy`) and the
 * answer goes out with its table alone rather than seconds late.
 *
 * Work that can wait its turn (digests drawn ahead of their time: digest-outbox.ts) asks
 * with `{ wait: true }`: it joins a queue of its own, never refused, drawn only when no
 * answer's chart waits, so a burst of digests neither loses charts nor delays answers.
 */
import { Worker } from 'node:worker_threads';
import type { Reply } from '../reply.ts';
import type { ChartSpec, RenderedChart } from './chart.ts';

const CHARTS_PER_THREAD = 40;
const MAX_WAITING = 8;

/** Too many charts are waiting to be drawn: this one is not. */
export class ChartsBusy extends Error {
  constructor() {
    super(`over ${MAX_WAITING} charts are waiting to be drawn`);
    this.name = 'ChartsBusy';
  }
}

type WorkerAnswer = { svg: string; png: Uint8Array } | { error: string };
interface Job {
  spec: ChartSpec;
  resolve: (chart: RenderedChart) => void;
  reject: (error: Error) => void;
}

const queue: Job[] = [];
/** Charts that wait their turn behind every answer's (`wait: true`). */
const background: Job[] = [];
let thread: { worker: Worker; drawn: number } | undefined;
let drawing = false;

export function renderChart(spec: ChartSpec, options: { wait?: boolean } = {}): Promise<RenderedChart> {
  if (!options.wait && queue.length >= MAX_WAITING) return Promise.reject(new ChartsBusy());
  return new Promise<RenderedChart>((resolve, reject) => {
    (options.wait ? background : queue).push({ spec, resolve, reject });
    if (!drawing) void drawNext();
  });
}

/** The PNG of a reply's `i`th chart: the one drawn ahead (`chartImages`), else drawn now. */
export async function chartPng(reply: Reply, i: number): Promise<Buffer> {
  const drawn = reply.chartImages?.[i];
  if (drawn) return Buffer.from(drawn);
  const spec = reply.charts?.[i];
  if (!spec) throw new Error(`the reply has no chart ${i}`);
  return (await renderChart(spec)).png;
}

async function drawNext(): Promise<void> {
  drawing = true;
  const next = () => queue.shift() ?? background.shift();
  for (let job = next(); job; job = next()) {
    try {
      job.resolve(await draw(job.spec));
    } catch (error) {
      job.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  drawing = false;
  thread?.worker.unref();
}

function draw(spec: ChartSpec): Promise<RenderedChart> {
  if (thread && thread.drawn >= CHARTS_PER_THREAD) {
    void thread.worker.terminate();
    thread = undefined;
  }
  thread ??= { worker: new Worker(new URL('./chart-worker.ts', import.meta.url)), drawn: 0 };
  const { worker } = thread;
  thread.drawn++;
  worker.ref();
  return new Promise<RenderedChart>((resolve, reject) => {
    const done = () => {
      worker.off('message', onAnswer);
      worker.off('error', onGone);
      worker.off('exit', onGone);
    };
    const onAnswer = (answer: WorkerAnswer) => {
      done();
      if ('error' in answer) reject(new Error(`drawing a chart failed: ${answer.error}`));
      else resolve({ svg: answer.svg, png: Buffer.from(answer.png) });
    };
    const onGone = (cause: unknown) => {
      done();
      if (thread?.worker === worker) thread = undefined;
      reject(new Error('the chart thread ended while drawing', { cause }));
    };
    worker.on('message', onAnswer);
    worker.on('error', onGone);
    worker.on('exit', onGone);
    worker.postMessage(spec);
  });
}

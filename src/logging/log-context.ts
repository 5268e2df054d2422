/**
 * Which request or job a log line belongs to: every line written while one runs
 * carries its id (`requestId`, `jobId` with `job`), wherever in the code it is
 * written, through an AsyncLocalStorage the logger reads (logger.ts's mixin).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  requestId?: string;
  jobId?: string;
  job?: string;
}

const store = new AsyncLocalStorage<LogContext>();

export const currentLogContext = (): LogContext => store.getStore() ?? {};

/** Runs `work` with these ids added to every log line it (and what it awaits) writes. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return store.run({ ...store.getStore(), ...context }, work);
}

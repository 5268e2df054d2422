import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { currentLogContext } from './log-context.ts';
import { maskText, redactValue } from './redact.ts';

export type { Logger };

/**
 * The process logger. Every object logged passes through `redactValue` and every
 * message through `maskText`, so a token or a phone number cannot reach the output
 * even when a caller logs a whole request or error.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'shopiq' },
      // the request's or job's ids, when the line is written while one runs (log-context.ts)
      mixin: () => currentLogContext() as Record<string, unknown>,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

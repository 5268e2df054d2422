/**
 * The one error type ShopIQ raises on purpose. `code` is from a closed set so callers
 * can branch on it; `message` is for operators and logs. What a seller sees in chat is
 * chosen by the caller from the code, never taken from a raw exception.
 */
export const APP_ERROR_CODES = [
  'CONFIG_INVALID',
  'DATABASE_UNAVAILABLE',
  'EMBEDDED_POSTGRES_FAILED',
  'MIGRATION_FAILED',
  'LISTEN_FAILED',
  'DECRYPTION_FAILED',
  'KEY_UNKNOWN',
  'NOT_FOUND',
  'BAD_REQUEST',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

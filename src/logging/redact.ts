/**
 * Masks what must never reach a log line: tokens and secrets by key name (OAuth
 * callback values too: code, state, hmac, spapi_oauth_code), and in free text (log
 * messages, error messages, URLs) phone numbers, e-mail addresses, known token shapes,
 * secret query and JSON values, and long opaque strings that look like tokens.
 */
import { redactContacts } from '../privacy/contact-redaction.ts';

const SECRET_KEY =
  /(token|secret|password|passwd|authorization|cookie|api[_-]?key|signature|credential|private[_-]?key|encryption[_-]?keys?)$/i;
/** OAuth callback values: keys too common to match by suffix, so matched whole (string values only). */
const OAUTH_KEY = /^(code|state|hmac|spapi_oauth_code|oauth_code|authorization_code)$/i;
const PII_KEY = /^(phone|phone[_-]?number|email|e[_-]?mail|customer[_-]?email|customer[_-]?phone|from|to)$/i;

// Bearer / shpat_ / Atza| / Slack xoxb- and xapp- style credentials that slip into messages
const INLINE_TOKEN =
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}|\b(shp(at|ca|pa|ss)_)[A-Za-z0-9]{8,}|\b(Atz[ar]\|)[A-Za-z0-9+/=_-]{8,}|\b(xox[abpr]-|xapp-)[A-Za-z0-9-]{8,}/g;

const SECRET_NAMES =
  'code|state|hmac|spapi_oauth_code|oauth_code|sig|password|assertion|api_?key|[a-z_-]*(?:token|secret|signature|credential)';
// `?code=…&state=…` in URLs, and form bodies (`grant_type=…&code=…`)
const SECRET_PARAM = new RegExp(`(^|[?&#;])(${SECRET_NAMES})=([^&#\\s"'<>]+)`, 'gi');
// `"access_token":"…"` in JSON bodies quoted in messages
const SECRET_JSON = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*)"[^"]*"`, 'gi');
// unprefixed tokens: 24+ opaque characters mixing letters and digits (ids in UUID form are kept)
const OPAQUE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{24,}(?![A-Za-z0-9_-])/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const REDACTED = '[redacted]';

function looksLikeToken(run: string): boolean {
  if (UUID.test(run)) return false;
  return /[0-9]/.test(run) && /[A-Za-z]/.test(run) && (run.match(/[0-9]/g)?.length ?? 0) >= 3;
}

export function maskText(text: string): string {
  // phone numbers and e-mails as chat storage masks them (one rule for both)
  return redactContacts(text)
    .replace(INLINE_TOKEN, (_m, bearer, shp, _shpKind, atz, xox) => `${bearer ?? shp ?? atz ?? xox ?? ''}${REDACTED}`)
    .replace(SECRET_PARAM, (_m, before, name) => `${before}${name}=${REDACTED}`)
    .replace(SECRET_JSON, (_m, key) => `${key}"${REDACTED}"`)
    .replace(OPAQUE, (run) => (looksLikeToken(run) ? REDACTED : run));
}

/** Deep copy of a log object with secrets and PII masked. Bounded depth; cycles cut. */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: maskText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = v === undefined || v === null ? v : REDACTED;
    else if (OAUTH_KEY.test(key) && typeof v === 'string') out[key] = REDACTED;
    else if (PII_KEY.test(key) && typeof v === 'string') out[key] = maskText(v) === v ? REDACTED : maskText(v);
    else out[key] = redactValue(v, depth + 1, seen);
  }
  return out;
}

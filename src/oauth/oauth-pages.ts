/**
 * The few pages a seller sees between chat and the marketplace's consent page: small,
 * readable on a phone, with nothing to load from elsewhere. Every page goes out with
 * `Referrer-Policy: no-referrer` (no link or state leaks to the next site), no caching,
 * and a policy that runs no script.
 */
import type { Response } from 'express';
import { MARKETPLACE_NAMES } from '../conversation/format/labels.ts';
import type { Channel, Marketplace } from '../db/enums.ts';

const CHANNEL_NAMES: Record<Channel, string> = { slack: 'Slack', whatsapp: 'WhatsApp', terminal: 'your terminal' };

/** Every outcome a seller can be shown; the callback redirects to it by code (no secret in that URL). */
export const OUTCOMES = [
  'connected',
  'link_unknown',
  'link_expired',
  'link_used',
  'state_unknown',
  'state_expired',
  'state_used',
  'other_browser',
  'refused',
  'denied',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function securePageHeaders(res: Response): void {
  res.set({
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  });
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The words of each outcome: a heading and what to do next. */
function words(outcome: Outcome, m: string, back: string): { ok: boolean; heading: string; lines: string[] } {
  const again = `Send <code>connect ${escapeHtml(m.toLowerCase())}</code> in ${back} for a new link.`;
  switch (outcome) {
    case 'connected':
      return {
        ok: true,
        heading: `${m} connected`,
        lines: [
          `Go back to ${back}: ShopIQ is reading your orders now and tells you there as they load.`,
          'You can close this page.',
        ],
      };
    case 'link_unknown':
      return { ok: false, heading: 'This link is not valid', lines: [`Nothing was connected. ${again}`] };
    case 'link_expired':
      return { ok: false, heading: 'This link has expired', lines: [`Nothing was connected. ${again}`] };
    case 'link_used':
      return {
        ok: false,
        heading: 'This link was already used',
        lines: [`${m} was connected with it. Go back to ${back}; ${again.toLowerCase()}`],
      };
    case 'state_unknown':
    case 'state_used':
      return {
        ok: false,
        heading: 'This authorization was already used or is not ours',
        lines: [`Nothing was changed. ${again}`],
      };
    case 'state_expired':
      return {
        ok: false,
        heading: 'This authorization took too long',
        lines: [`It is good for 10 minutes. Nothing was changed. ${again}`],
      };
    case 'other_browser':
      return {
        ok: false,
        heading: 'Please finish in the browser you started in',
        lines: [`This authorization was started in another browser, so nothing was changed. ${again}`],
      };
    case 'refused':
      return {
        ok: false,
        heading: `${m}'s answer could not be verified`,
        lines: [
          `It was not signed by ${m}, was too old, or was for another account than the one asked for. Nothing was connected. ${again}`,
        ],
      };
    case 'denied':
      return {
        ok: false,
        heading: `ShopIQ was not approved on ${m}`,
        lines: [`Nothing was connected. If you change your mind: ${again.charAt(0).toLowerCase()}${again.slice(1)}`],
      };
    case 'failed':
      return {
        ok: false,
        heading: `${m} could not be connected just now`,
        lines: [
          `${m} did not complete the sign-in (it is logged). Nothing was stored. Please try again later: ${again}`,
        ],
      };
  }
}

export function outcomePage(outcome: Outcome, marketplace: Marketplace, channel: Channel | undefined): string {
  const m = MARKETPLACE_NAMES[marketplace];
  const w = words(outcome, m, channel ? CHANNEL_NAMES[channel] : 'the chat');
  return layout(
    `${w.heading} · ShopIQ`,
    `<p class="mark ${w.ok ? 'ok' : 'no'}" aria-hidden="true">${w.ok ? '✓' : '!'}</p>
<h1>${escapeHtml(w.heading)}</h1>
${w.lines.map((l) => `<p>${l}</p>`).join('\n')}`,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
  :root { color-scheme: light dark; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         background: #f5f6f8; color: #1d1f23; }
  main { max-width: 32rem; margin: 0 auto; padding: 12vh 1.25rem 2rem; }
  .card { background: #fff; border-radius: 16px; padding: 1.75rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  .brand { font-size: 16px; font-weight: 600; letter-spacing: .02em; color: #5b5f68; margin: 0 0 1rem; }
  .mark { width: 3rem; height: 3rem; border-radius: 50%; margin: 0 0 1rem; font-size: 1.75rem; line-height: 3rem;
          text-align: center; color: #fff; }
  .ok { background: #1a7f37; } .no { background: #b35900; }
  h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .75rem; overflow-wrap: anywhere; }
  p { margin: .5rem 0; overflow-wrap: anywhere; }
  code { font-size: 16px; background: #eef0f3; padding: .1em .35em; border-radius: 4px; }
  @media (prefers-color-scheme: dark) {
    body { background: #16181c; color: #e8e9ec; } .card { background: #202329; box-shadow: none; }
    .brand { color: #a4a8b1; } code { background: #2c3038; }
  }
</style>
</head>
<body><main><div class="card">
<p class="brand">ShopIQ</p>
${body}
</div></main></body>
</html>
`;
}

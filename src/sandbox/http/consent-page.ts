/**
 * The consent page every sandbox marketplace shows at its authorize URL: one small HTML
 * form that posts the authorize parameters back (as hidden inputs) to the same path.
 * Built for a phone first (390px wide: no horizontal scroll, 16px text, a full-width
 * button) and for browser tests (stable ids: `consent`, `seller`, `approve`, `deny`).
 * Everything that comes from the request is escaped; the page runs no script.
 */
import type { Response } from 'express';

export interface ConsentChoice {
  value: string;
  label: string;
  selected?: boolean;
}

export interface ConsentPage {
  /** The marketplace as the header shows it, e.g. "Shopify". */
  marketplace: string;
  /** The question, as <title> and <h1>. */
  title: string;
  intro: string;
  /** What the app may do, as a list under its heading. */
  access?: { heading: string; items: string[] };
  /** The account to approve for, as `<select name="seller">`. */
  seller?: { label: string; choices: ConsentChoice[] };
  approveLabel: string;
  /** The marketplace's button colours. */
  accent: { background: string; text: string };
}

/** The consent form's own fields, never carried over from the authorize parameters as hidden inputs. */
export const DECISION_FIELD = 'decision';
const SELLER_FIELD = 'seller';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** Answers the page; `action` is the path the form posts to, `params` the authorize parameters. */
export function sendConsentPage(
  res: Response,
  page: ConsentPage,
  action: string,
  params: Record<string, string>,
): void {
  consentHeaders(res);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // no script, no framing (clickjacking); form-action stays open: the approval redirects off-site
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res
    .status(200)
    .type('text/html; charset=utf-8')
    .send(renderConsentPage(page, action, params));
}

/** A consent answer (the page or its redirect) is never cached and leaks no URL through Referer. */
export function consentHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

export function renderConsentPage(page: ConsentPage, action: string, params: Record<string, string>): string {
  const own = new Set([DECISION_FIELD, ...(page.seller ? [SELLER_FIELD] : [])]);
  const hidden = Object.entries(params)
    .filter(([name]) => !own.has(name))
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const access = page.access
    ? `<p>${escapeHtml(page.access.heading)}</p><ul id="access">${page.access.items
        .map((item) => `<li>${escapeHtml(item)}</li>`)
        .join('')}</ul>`
    : '';
  const seller = page.seller
    ? `<label for="seller">${escapeHtml(page.seller.label)}</label><select id="seller" name="seller">${page.seller.choices
        .map(
          (c) =>
            `<option value="${escapeHtml(c.value)}"${c.selected ? ' selected' : ''}>${escapeHtml(c.label)}</option>`,
        )
        .join('')}</select>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${styles(page.accent)}</style>
</head>
<body>
<main>
<header>${escapeHtml(page.marketplace)} <span>sandbox</span></header>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.intro)}</p>
<form id="consent" method="post" action="${escapeHtml(action)}">
${hidden.join('\n')}
${access}${seller}
<button id="approve" type="submit" name="${DECISION_FIELD}" value="approve">${escapeHtml(page.approveLabel)}</button>
<button id="deny" type="submit" name="${DECISION_FIELD}" value="deny">Cancel</button>
</form>
<p class="note">A stand-in for the marketplace's own page: no real account is touched.</p>
</main>
</body>
</html>
`;
}

function styles(accent: ConsentPage['accent']): string {
  return `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:30rem;margin:0 auto;padding:1.5rem 1rem}
header{font-weight:700;font-size:1.125rem}
header span{font-weight:400;color:#57606a}
h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem;overflow-wrap:anywhere}
p,li{overflow-wrap:anywhere}
ul{margin:.25rem 0 1rem;padding-left:1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .5rem}
select{display:block;width:100%;max-width:100%;min-height:3rem;font:inherit;padding:.5rem .75rem;border:1px solid #8c959f;border-radius:.5rem;background:#fff;color:inherit}
button{display:block;width:100%;min-height:3rem;margin-top:1rem;font:inherit;font-weight:600;border-radius:.5rem;cursor:pointer}
#approve{border:0;background:${accent.background};color:${accent.text}}
#deny{border:1px solid #8c959f;background:#fff;color:inherit}
.note{color:#57606a}`;
}

/**
 * Standard Markdown (what the model writes) in WhatsApp's own formatting: `*bold*`,
 * `_italic_`, `~strike~`, `- ` bullets, inline `code` and ``` blocks. Headings become
 * bold lines and links `text (url)`. A marker only counts at a word's edge, so `2*3*4`,
 * `snake_case` and the `*`/`_` in URLs and code are left as they are.
 */

/** Private-use characters: a bold marker, and the start of a kept (already final) piece of text. */
const BOLD = '\uE001';
const KEPT = '\uE002';
const KEPT_BASE = 0xe100;
const KEPT_PIECE = new RegExp(`${KEPT}([\\uE100-\\uF8FF])`, 'g');

export function toWhatsAppMarkdown(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      const closes =
        marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker;
      out.push(closes ? '```' : line);
      if (closes) fence = undefined;
    } else if (marker) {
      // WhatsApp shows a language tag as text: the block opens bare
      fence = marker;
      out.push('```');
    } else {
      out.push(convertLine(line));
    }
  }
  if (fence !== undefined) out.push('```');
  return out.join('\n');
}

function convertLine(line: string): string {
  const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
  if (heading) {
    // a heading is bold already: bold inside it would end it early
    const title = inline((heading[1] ?? '').replace(/\*\*(.+?)\*\*|__(.+?)__/g, '$1$2')).replace(/\*/g, '');
    return title ? `*${title}*` : '';
  }
  if (/^\s*([-*_])(?:\s*\1){2,}\s*$/.test(line)) return '';
  const quote = /^(\s*>\s?)(.*)$/.exec(line);
  if (quote) return `> ${convertLine(quote[2] ?? '')}`.trimEnd();
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}- ${inline(bullet[2] ?? '')}`;
  return inline(line);
}

/** Emphasis, strike, code and links within one line. */
function inline(text: string): string {
  const kept: string[] = [];
  const keep = (piece: string) => {
    kept.push(piece);
    return `${KEPT}${String.fromCharCode(KEPT_BASE + kept.length - 1)}`;
  };
  const converted = text
    .replace(/[\uE001\uE002]/g, '')
    .replace(/(`+)(.+?)\1/g, (_, _ticks, code: string) => keep(`\`${code.trim()}\``))
    .replace(/\\([!-/:-@[-`{-~])/g, (_, char: string) => keep(char))
    .replace(/!?\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_, label: string, url: string) =>
      label.trim() && bare(label) !== bare(url) ? `${label.trim()} (${keep(url)})` : keep(url),
    )
    .replace(/<(https?:\/\/[^\s>]+)>/g, (_, url: string) => keep(url))
    .replace(/https?:\/\/[^\s<>()[\]]+?(?=[.,;:!?]*(?:[\s)\]]|$))/g, (url) => keep(url))
    .replace(/(?<![\p{L}\p{N}*])\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*(?![\p{L}\p{N}*])/gu, `${BOLD}_$1_${BOLD}`)
    .replace(/(?<![\p{L}\p{N}*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\p{L}\p{N}*])/gu, `${BOLD}$1${BOLD}`)
    .replace(/(?<![\p{L}\p{N}_])__(?=\S)(.+?)(?<=\S)__(?![\p{L}\p{N}_])/gu, `${BOLD}$1${BOLD}`)
    .replace(/(?<![\p{L}\p{N}*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\p{L}\p{N}*])/gu, '_$1_')
    .replace(/(?<![\p{L}\p{N}~])~~(?=\S)(.+?)(?<=\S)~~(?![\p{L}\p{N}~])/gu, '~$1~')
    .replaceAll(BOLD, '*');
  let restored = converted;
  // a kept piece may hold another (an escape inside a link's URL)
  while (restored.includes(KEPT)) {
    restored = restored.replace(KEPT_PIECE, (_, index: string) => kept[index.charCodeAt(0) - KEPT_BASE] ?? '');
  }
  return restored;
}

/** A URL as a reader compares it with its link text: no scheme, no trailing slash. */
const bare = (url: string) => url.replace(/^https?:\/\//, '').replace(/\/$/, '');

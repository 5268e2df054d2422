/**
 * A message too long for one body, as parts of at most `limit` characters, in order.
 * Each cut is at the last paragraph break that fits, else the last line break, else the
 * last space, else at the limit; never inside a ``` block while a cut outside one fits.
 * A block that must be cut is closed at the end of one part and opened again at the
 * start of the next, so each part reads on its own.
 */

const FENCE = '```';
/** What closing a block adds to a part. */
const CLOSE = `\n${FENCE}`;
const MIN_LIMIT = 16;

interface Cut {
  part: string;
  rest: string;
}

export function splitMessage(text: string, limit: number): string[] {
  if (limit < MIN_LIMIT) throw new RangeError(`a message part holds at least ${MIN_LIMIT} characters`);
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const { part, rest: after } = cutOnce(rest, limit);
    parts.push(part);
    rest = after;
  }
  if (rest) parts.push(rest);
  return parts;
}

function cutOnce(text: string, limit: number): Cut {
  const inBlock = blockTest(text);
  const outside = (at: number) => !inBlock(at);
  return (
    lastCut(text, /\n[ \t]*\n\n*/g, limit, outside, (at, end) => plain(text, at, end)) ??
    lastCut(text, /\n/g, limit, outside, (at, end) => plain(text, at, end)) ??
    lastCut(
      text,
      /\n/g,
      limit,
      (at) => inBlock(at) && opensBlockAfter(text, at),
      (at, end) => reopened(text, at, end),
    ) ??
    lastCut(
      text,
      / +/g,
      limit,
      () => true,
      (at, end) => (inBlock(at) ? reopened(text, at, end) : plain(text, at, end)),
    ) ??
    hardCut(text, limit, inBlock)
  );
}

/** The last separator matching `pattern` where the part before it fits and `allowed` holds. */
function lastCut(
  text: string,
  pattern: RegExp,
  limit: number,
  allowed: (at: number) => boolean,
  cutAt: (at: number, end: number) => Cut,
): Cut | undefined {
  let best: Cut | undefined;
  for (const match of text.matchAll(pattern)) {
    if (match.index > limit) break;
    if (match.index === 0 || !allowed(match.index)) continue;
    const cut = cutAt(match.index, match.index + match[0].length);
    if (cut.part && cut.part.length <= limit) best = cut;
  }
  return best;
}

const plain = (text: string, at: number, end: number): Cut => ({
  part: text.slice(0, at).trimEnd(),
  rest: text.slice(end).replace(/^\n+/, ''),
});

const reopened = (text: string, at: number, end: number): Cut => ({
  part: `${text.slice(0, at).trimEnd()}${CLOSE}`,
  rest: `${FENCE}\n${text.slice(end)}`,
});

/** No space or line break fits: cut at the limit, never between the halves of a surrogate pair. */
function hardCut(text: string, limit: number, inBlock: (at: number) => boolean): Cut {
  let at = inBlock(limit) ? limit - CLOSE.length : limit;
  if (/[\uD800-\uDBFF]/.test(text.charAt(at - 1))) at -= 1;
  return inBlock(at)
    ? { part: `${text.slice(0, at)}${CLOSE}`, rest: `${FENCE}\n${text.slice(at)}` }
    : plain(text, at, at);
}

/** Whether a position lies inside a ``` block: after a line opening one and before the line closing it. */
function blockTest(text: string): (at: number) => boolean {
  const toggles: number[] = [];
  for (const line of text.matchAll(/^[ \t]*```.*$/gm)) {
    // a line such as ```inline``` opens and closes on itself
    if ((line[0].split(FENCE).length - 1) % 2 === 1) toggles.push(line.index);
  }
  return (at) => toggles.filter((start) => start < at).length % 2 === 1;
}

/** A cut in a block after at least one line of its content (not right under its opening fence). */
function opensBlockAfter(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return !text.slice(lineStart, at).trimStart().startsWith(FENCE);
}

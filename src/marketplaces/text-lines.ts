/**
 * Lines of a streamed text body, one at a time: the file is never held in memory, and
 * reading pauses while the consumer works (pull-based iteration). Bytes are decoded
 * in the body's own charset (Amazon writes some flat files in windows-1252 or
 * Shift_JIS); a trailing "\r" is dropped, blank lines are skipped.
 */
import { setImmediate as turn } from 'node:timers/promises';

export async function* readLines(stream: AsyncIterable<Buffer | string>, encoding = 'utf-8'): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  let rest = '';
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', start)) {
      const line = trimCr(rest.slice(start, nl));
      start = nl + 1;
      if (!BLANK.test(line)) yield line;
    }
    rest = rest.slice(start);
    // a body already buffered would otherwise be read to its end in one go, holding
    // up every other callback (the database's answers among them) meanwhile
    await turn();
  }
  rest = trimCr(rest + decoder.decode());
  if (!BLANK.test(rest)) yield rest;
}

const BLANK = /^\s*$/;
const trimCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

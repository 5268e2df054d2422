/**
 * Lines of a streamed JSONL body, parsed one at a time: the file is never held in
 * memory, and reading pauses while the consumer works (pull-based iteration).
 */
export type JsonLine = { value: unknown } | { malformed: string; error: string };

export async function* readJsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<JsonLine> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', start)) {
      const line = rest.slice(start, nl);
      start = nl + 1;
      if (line.trim()) yield parseLine(line);
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest.trim()) yield parseLine(rest);
}

function parseLine(line: string): JsonLine {
  try {
    return { value: JSON.parse(line) };
  } catch (error) {
    return { malformed: line.slice(0, 2000), error: error instanceof Error ? error.message : String(error) };
  }
}

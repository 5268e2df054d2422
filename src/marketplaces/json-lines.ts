/** Lines of a streamed JSONL body, parsed one at a time (see text-lines.ts). */
import { readLines } from './text-lines.ts';

export type JsonLine = { value: unknown } | { malformed: string; error: string };

export async function* readJsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<JsonLine> {
  for await (const line of readLines(stream)) yield parseLine(line);
}

function parseLine(line: string): JsonLine {
  try {
    return { value: JSON.parse(line) };
  } catch (error) {
    return { malformed: line.slice(0, 2000), error: error instanceof Error ? error.message : String(error) };
  }
}

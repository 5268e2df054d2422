import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { matchIntent } from '../../src/conversation/limited-mode.ts';
import { PHRASINGS, type Phrasing } from './fixtures/limited-mode-phrasings.ts';

/** Without undefined values: an input left out and one given as undefined are the same. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** What limited mode made of a question, in the fixture's terms. */
function understood(p: Phrasing) {
  const intent = matchIntent(p.text);
  if (!intent) return { tool: null };
  const keys = [...Object.keys(p.input ?? {}), 'marketplaces', 'period'];
  return plain({ tool: intent.tool, ...Object.fromEntries(keys.map((k) => [k, intent.input[k]])) });
}

const expected = (p: Phrasing) =>
  plain(p.tool === null ? { tool: null } : { tool: p.tool, ...p.input, period: p.period });

describe('limited mode understands sellers’ wordings', () => {
  it('is tried on a broad set of realistic questions', () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(PHRASINGS.map((p) => p.text)).size).toBe(PHRASINGS.length);
    expect(PHRASINGS.filter((p) => p.tool === null).length).toBeGreaterThanOrEqual(15);
  });

  it('matches each to its tool, inputs and period, and leaves the questions that are not about sales alone', () => {
    const misses = PHRASINGS.filter((p) => !isDeepStrictEqual(understood(p), expected(p))).map(
      (p) => `${p.text}\n  expected ${JSON.stringify(expected(p))}\n  got      ${JSON.stringify(understood(p))}`,
    );
    const rate = (100 * (PHRASINGS.length - misses.length)) / PHRASINGS.length;
    expect(misses, `hit rate ${rate.toFixed(1)}% of ${PHRASINGS.length}; misses:\n${misses.join('\n')}`).toEqual([]);
  });
});

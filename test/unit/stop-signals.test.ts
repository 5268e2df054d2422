import { describe, expect, it } from 'vitest';
import { stopSignals } from '../../src/commands/stop-signals.ts';

describe('stop signals', () => {
  it('the copy of a Ctrl-C that npm forwards is the same request; a signal given later forces the exit', () => {
    let now = 10_000;
    const next = stopSignals(1500, () => now);
    expect(next()).toBe('stop');
    now += 150; // npm's forwarded SIGINT
    expect(next()).toBe('same');
    now += 50;
    expect(next()).toBe('same');
    now += 1300; // 1.5 s after the first: the operator pressed Ctrl-C again
    expect(next()).toBe('force');
    expect(next()).toBe('force');
  });
});

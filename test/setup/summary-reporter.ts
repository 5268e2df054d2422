/**
 * Ends the run with one plain line, "N passed, N failed, N skipped", that tools
 * reading test output understand whatever the runner; before it, why tests were
 * skipped (the notes of `ctx.skip(note)`), once per reason.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const skipNotes = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else {
          counts.skipped++;
          const note = (test.result() as { note?: string }).note;
          if (note) skipNotes.set(note, (skipNotes.get(note) ?? 0) + 1);
        }
      }
      // a file that failed to load, or whose setup failed, leaves its tests unrun: it counts as a failure
      const failedTest = [...module.children.allTests()].some((t) => t.result().state === 'failed');
      if (module.state() === 'failed' && !failedTest) counts.failed++;
    }
    counts.failed += unhandledErrors.length;
    for (const [note, n] of skipNotes) process.stdout.write(`\nskipped ${n} (${note})`);
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

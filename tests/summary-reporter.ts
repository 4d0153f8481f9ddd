import { relative } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/** What the summary needs of one test (a TestCase's slice, so the summary can be tested without vitest). */
export interface TestSummaryInput {
  file: string;
  fullName: string;
  state: string;
  /** The note of `ctx.skip(note)`, when there is one. */
  note?: string;
}

/**
 * Returns the closing lines: one per reason tests were skipped (`skipped 3 in FILE: reason`, from the
 * `[skipped: …]` name withSkipReason gives or a `ctx.skip(note)`), then `N passed, N failed[, N skipped]`.
 */
export function summarizeTests(
  tests: readonly TestSummaryInput[],
  extraFailed = 0,
): { lines: string[]; passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = extraFailed;
  const reasons = new Map<string, number>();
  for (const t of tests) {
    if (t.state === 'passed') passed++;
    else if (t.state === 'failed') failed++;
    else {
      const reason =
        t.note ??
        /\[skipped: ([^\]]+)\]/.exec(t.fullName)?.[1] ??
        'no reason given (filtered out by -t, or skipped without withSkipReason)';
      const key = `${t.file}: ${reason}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }
  const skipped = [...reasons.values()].reduce((a, b) => a + b, 0);
  const lines = [...reasons].map(([key, n]) => `skipped ${n} in ${key}`);
  lines.push(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return { lines, passed, failed, skipped };
}

/**
 * Prints why tests were skipped and the closing line `N passed, N failed` that CI reads, and writes the counts
 * to $STORYFEED_TEST_COUNTS (JSON) when set, so .ci/run can add evaluations to the total.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests: TestSummaryInput[] = [];
    let extraFailed = 0;
    for (const mod of testModules) {
      const file = relative(process.cwd(), mod.moduleId);
      for (const test of mod.children.allTests()) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        tests.push({ file, fullName: test.fullName, state: result.state, ...(note ? { note } : {}) });
      }
      // A file that failed to load counts as a failure even though it holds no tests.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) extraFailed++;
    }
    const { lines, passed, failed, skipped } = summarizeTests(tests, extraFailed);
    const file = process.env.STORYFEED_TEST_COUNTS;
    if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}

/** Small helpers the oracle tests share: bounded parallel runs and failure messages with context. */
import type { ProcessRun } from './processes.ts';

export { mapBounded } from '../../../src/shared/bounded.ts';

/**
 * How many tool processes run at once. Each Ansible start-up is about a second of CPU; two at a
 * time keeps two cores busy without starving the tests around them.
 */
export const PARALLEL_RUNS = 2;

/** A run's command line and output, appended to assertion messages. */
export function describeRun(run: ProcessRun): string {
  return `\n$ ${run.command}\n(exit ${run.code})\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** Throws with the run's output when the exit code is not `expected`. */
export function expectExit(run: ProcessRun, expected: number): void {
  if (run.code !== expected) throw new Error(`expected exit ${expected}${describeRun(run)}`);
}

/** The `[WARNING]: Could not match supplied host pattern, ignoring: X` terms, sorted, unique. */
export function unmatchedTerms(stderr: string): string[] {
  const terms = [...stderr.matchAll(/Could not match supplied host pattern, ignoring: (.*)$/gm)].map(
    (match) => match[1]?.trim() ?? '',
  );
  return [...new Set(terms)].sort();
}

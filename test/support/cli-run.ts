// A `mcsync-play` run that must succeed, for the CLI tests in test/unit/cli that then check what
// its debug tasks printed.
import assert from 'node:assert/strict';
import { debugMessages, runCli } from '../unit/cli/run-cli.ts';
import type { CliRun } from '../unit/cli/run-cli.ts';

/**
 * Runs the built CLI with `args` in `dir` and asserts it exits 0 (its output the message if not);
 * gives the run and the `msg` lines its debug tasks printed, in order.
 */
export async function succeedingRun(
  dir: string,
  args: string[] = ['p.yml'],
): Promise<CliRun & { messages: string[] }> {
  const run = await runCli(args, { cwd: dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  return { ...run, messages: debugMessages(run.stdout) };
}

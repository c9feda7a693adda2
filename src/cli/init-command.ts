/**
 * `mcsync init --from-kubeconfig`: parses the flags, calls initProject (src/project) and says what
 * was written and what to run next. Errors propagate to main's handler (exit 4 or 5).
 */
import { relative } from 'node:path';
import { EXIT } from '../engine/playbook-runner.ts';
import { initProject } from '../project/init-project.ts';
import type { InitResult } from '../project/init-project.ts';
import { INIT_HELP, parseInitOptions } from './init-options.ts';
import type { CommandIO } from './play-command.ts';

/** Runs `mcsync init ARGV`; returns the exit code. */
export async function runInitCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  const options = parseInitOptions(argv);
  if (options.help) {
    io.stdout.write(INIT_HELP + '\n');
    return EXIT.ok;
  }
  const result = await initProject({
    dir: options.dir,
    kubeconfig: options.kubeconfig,
    master: options.master,
    force: options.force,
    env: io.env,
    cwd: io.cwd,
  });
  io.stdout.write(summary(result, io.cwd));
  return EXIT.ok;
}

function summary(result: InitResult, cwd: string): string {
  const rel = relative(cwd, result.dir) || '.';
  const where = rel.startsWith('..') ? result.dir : rel;
  const named = (h: InitResult['master']): string =>
    h.host === h.context ? h.host : `${h.host} (context ${h.context})`;
  const slaves =
    result.slaves.length === 0 ? '(none: only one context)' : result.slaves.map(named).join(', ');
  const replaced = new Set(result.overwritten);
  const files = result.files.map((f) => `  ${f}${replaced.has(f) ? '   (overwritten)' : ''}`);
  const cd = where === '.' ? [] : [`  cd ${where}`];
  return [
    `Wrote a project for ${1 + result.slaves.length} cluster(s) from ${result.kubeconfig} in ${where}:`,
    ...files,
    `master: ${named(result.master)}`,
    `slaves: ${slaves}`,
    '',
    'Next:',
    ...cd,
    '  mcsync-play playbooks/sync.yml --check --diff   # what would change',
    '  mcsync-play playbooks/sync.yml',
    '',
  ].join('\n');
}

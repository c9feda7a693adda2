/**
 * What command and shell share: creates/removes short-circuits, check mode, running through the
 * injected ProcessRunner with the task's `environment:` and Ansible's result shape (rc, stdout,
 * stderr, *_lines, start/end/delta).
 */
import { access } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ModuleContext } from '../../model/module.ts';
import type { ModuleResult } from '../../model/result.ts';

/** Arguments command and shell both take besides the command itself. */
export interface CommandOptions {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  /** Append a newline to stdin (default true, as Ansible). */
  stdin_add_newline?: boolean;
  /** Drop trailing newlines from stdout/stderr (default true, as Ansible). */
  strip_empty_ends?: boolean;
}

/** Schema properties for CommandOptions, merged into each module's argsSchema. */
export const COMMAND_OPTION_PROPERTIES = {
  chdir: { type: 'string', minLength: 1 },
  creates: { type: 'string', minLength: 1 },
  removes: { type: 'string', minLength: 1 },
  stdin: { type: 'string' },
  stdin_add_newline: { type: 'boolean' },
  strip_empty_ends: { type: 'boolean' },
} as const;

/**
 * Runs `argv` for a module and shapes the result; `cmd` is what the result reports (the argv for
 * command, the script text for shell). Non-zero exit codes fail; a program that cannot start fails
 * with rc 2 like Ansible.
 */
export async function runCommand(
  argv: string[],
  cmd: string | string[],
  options: CommandOptions,
  context: ModuleContext,
): Promise<ModuleResult> {
  const cwd = options.chdir === undefined ? context.baseDir : resolvePath(options.chdir, context.baseDir);
  const shortCircuit = await creationShortCircuit(options, cwd, cmd);
  if (shortCircuit) return shortCircuit;
  if (context.check) {
    return { changed: false, skipped: true, cmd, msg: 'Command would have run if not in check mode' };
  }
  const clock = context.services.clock;
  const started = clock.now();
  const input =
    options.stdin === undefined
      ? undefined
      : options.stdin + (options.stdin_add_newline === false ? '' : '\n');
  // Read before the try: a task environment that does not render fails the task with its reason.
  const environment = context.environment;
  let outcome: { exitCode: number; stdout: string; stderr: string };
  try {
    context.log.debug(`running ${JSON.stringify(argv)} in ${cwd}`);
    outcome = await context.services.processes.run(argv, {
      cwd,
      input,
      signal: context.signal,
      environment,
    });
  } catch (error) {
    if (context.signal.aborted) throw error;
    const why = error instanceof Error ? error.message : String(error);
    return { changed: false, failed: true, cmd, rc: 2, msg: `cannot run ${argv[0] ?? ''}: ${why}` };
  }
  const strip = options.strip_empty_ends !== false;
  const stdout = strip ? outcome.stdout.replace(/\n+$/, '') : outcome.stdout;
  const stderr = strip ? outcome.stderr.replace(/\n+$/, '') : outcome.stderr;
  const ended = clock.now();
  const result: ModuleResult = {
    changed: true,
    cmd,
    rc: outcome.exitCode,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: new Date(started).toISOString(),
    end: new Date(ended).toISOString(),
    delta: formatDelta(ended - started),
    msg: '',
  };
  if (outcome.exitCode !== 0) {
    result.failed = true;
    result.msg = 'non-zero return code';
  }
  return result;
}

async function creationShortCircuit(
  options: CommandOptions,
  cwd: string,
  cmd: string | string[],
): Promise<ModuleResult | undefined> {
  if (options.creates !== undefined && (await exists(resolvePath(options.creates, cwd)))) {
    return skippedRun(
      cmd,
      `skipped, since ${options.creates} exists`,
      `Did not run command since '${options.creates}' exists`,
    );
  }
  if (options.removes !== undefined && !(await exists(resolvePath(options.removes, cwd)))) {
    return skippedRun(
      cmd,
      `skipped, since ${options.removes} does not exist`,
      `Did not run command since '${options.removes}' does not exist`,
    );
  }
  return undefined;
}

function skippedRun(cmd: string | string[], stdout: string, msg: string): ModuleResult {
  return { changed: false, cmd, rc: 0, stdout, stderr: '', stdout_lines: [stdout], stderr_lines: [], msg };
}

function resolvePath(path: string, base: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/** `0:00:01.234567` like Ansible's delta. */
function formatDelta(ms: number): string {
  const total = Math.max(0, ms);
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const secs = (total % 60_000) / 1000;
  return `${hours}:${String(minutes).padStart(2, '0')}:${secs.toFixed(6).padStart(9, '0')}`;
}

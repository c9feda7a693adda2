/**
 * Runs a program per change exactly as oc observe does: argv `COMMAND ARGS… [namespace] name
 * <rendered template>` (namespace only for namespaced resources; the template argument is '' when
 * there is none), the --delete command for Deleted events, the environment plus --type-env-var and
 * --object-env-var, stdin closed, the child's output passed through with a trailing newline, and
 * immediate retries while it exits --retry-on-exit-code (at most --retry-count times). A header
 * line per event (`# TIME TYPE RESOURCEVERSION\tCOMMAND LINE`) unless quiet.
 */
import { spawn } from 'node:child_process';
import type { CompiledTemplate } from './jsonpath.ts';
import type { Distribution } from './metrics.ts';
import type { Trigger, TriggerItem, TriggerOutcome } from './trigger.ts';

export interface CommandTriggerOptions {
  /** COMMAND ARGS… (empty: print the event header only). */
  command: readonly string[];
  /** --delete CMD ARGS… (empty: Deleted events run nothing). */
  deleteCommand: readonly string[];
  template: CompiledTemplate | undefined;
  typeEnvVar: string | undefined;
  objectEnvVar: string | undefined;
  retryOnExitCode: number;
  retryCount: number;
  quiet: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  execDurations?: Distribution | undefined;
  now?: () => Date;
}

/** The argv (program first) oc observe would run for `item`; undefined when nothing runs. */
export function commandLine(
  item: TriggerItem,
  options: Pick<CommandTriggerOptions, 'command' | 'deleteCommand' | 'template'>,
): string[] | undefined {
  const base = item.type === 'Deleted' ? options.deleteCommand : options.command;
  if (base.length === 0) return undefined;
  return [...base, ...objectArguments(item, options.template)];
}

/** `[namespace] name <template>`: what oc appends to the command. */
export function objectArguments(item: TriggerItem, template: CompiledTemplate | undefined): string[] {
  const args = item.resource.namespaced ? [item.namespace, item.name] : [item.name];
  if (!item.finalStateKnown) return args;
  return [...args, template ? template.render(item.object) : ''];
}

/** oc's printCommandLine: quotes words with quotes, backslashes or spaces; '' as `""`. */
export function printCommandLine(argv: readonly string[]): string {
  return argv
    .map((word) => {
      if (word === '') return '""';
      return /["\\ ]/.test(word) ? JSON.stringify(word) : word;
    })
    .join(' ');
}

export function createCommandTrigger(options: CommandTriggerOptions): Trigger {
  const now = options.now ?? ((): Date => new Date());
  return {
    // A stop request lets the current child finish (oc holds a lock while it runs): no signal here.
    async run(item) {
      let argv: string[] | undefined;
      try {
        argv = commandLine(item, options);
      } catch (error) {
        return { exitCode: -1, error: `unable to write arguments: ${(error as Error).message}` };
      }
      const rv = item.object.metadata?.resourceVersion ?? '';
      const shown = argv ? printCommandLine(argv) : printCommandLine(objectArguments(item, options.template));
      if (!options.quiet) options.out.write(`# ${rfc3339(now())} ${item.type} ${rv}\t${shown}\n`);
      if (!argv) return { exitCode: 0, skipped: true };
      const env = environment(item, options);
      let attempt = 0;
      for (;;) {
        const started = Date.now();
        const exitCode = await runChild(argv, env, options);
        options.execDurations?.observe(
          { type: item.type, exit_code: String(exitCode) },
          Date.now() - started,
        );
        const retry =
          exitCode !== 0 &&
          options.retryOnExitCode !== 0 &&
          exitCode === options.retryOnExitCode &&
          attempt < options.retryCount;
        if (!retry) return outcome(argv[0] as string, exitCode);
        attempt++;
      }
    },
  };
}

function outcome(program: string, exitCode: number): TriggerOutcome {
  if (exitCode === 0) return { exitCode };
  if (exitCode === -1) return { exitCode, error: `command ${JSON.stringify(program)} could not be started` };
  return { exitCode, error: `command ${JSON.stringify(program)} exited with status code ${exitCode}` };
}

function environment(item: TriggerItem, options: CommandTriggerOptions): NodeJS.ProcessEnv {
  // MCSYNC_CLUSTER is mcsync's addition: with --hosts, which cluster the object lives on.
  const env: NodeJS.ProcessEnv = { ...options.env, MCSYNC_CLUSTER: item.cluster };
  if (options.objectEnvVar) env[options.objectEnvVar] = JSON.stringify(item.object);
  if (options.typeEnvVar) env[options.typeEnvVar] = item.type;
  return env;
}

/** Spawns without a shell; resolves the exit code (128+n for a signal, -1 when it cannot start). */
function runChild(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: CommandTriggerOptions,
): Promise<number> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = trailingNewline(options.out);
    const err = trailingNewline(options.err);
    child.stdout.on('data', (chunk: Buffer) => out.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.write(chunk));
    child.on('error', (error) => {
      options.err.write(`error: ${program}: ${error.message}\n`);
      resolve(-1);
    });
    child.on('close', (code, sig) => {
      out.flush();
      err.flush();
      resolve(code ?? (sig ? 128 + signalNumber(sig) : 1));
    });
  });
}

function trailingNewline(stream: NodeJS.WritableStream): { write(b: Buffer): void; flush(): void } {
  let open = false;
  return {
    write(chunk) {
      if (chunk.length === 0) return;
      open = chunk[chunk.length - 1] !== 0x0a;
      stream.write(chunk);
    },
    flush() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function signalNumber(name: string): number {
  return SIGNALS[name] ?? 0;
}

/** Go's time.RFC3339 in local time: `2006-01-02T15:04:05-07:00`. */
export function rfc3339(date: Date): string {
  const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const zone =
    offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`
  );
}

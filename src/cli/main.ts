/**
 * The `mcsync` entry point: dispatches subcommands and maps errors to exit codes in one place.
 * Only the message is printed; the stack only with -vvv.
 */
import { createRequire } from 'node:module';
import { LoadError, LoadErrors, McsyncError, UsageError, errorMessage } from '../errors.ts';
import { EXIT } from '../engine/playbook-runner.ts';
import { runPlayCommand } from './play-command.ts';
import type { CommandIO } from './play-command.ts';
import { runSandboxCommand } from './sandbox-command.ts';

const HELP = `Usage: mcsync COMMAND [options]

Keeps Kubernetes and OpenShift clusters in step with Ansible-style playbooks.

Commands:
  play      run playbooks against an inventory (same as mcsync-play)
  observe   watch a resource and run a command or playbook per change, like 'oc observe' (same as mcsync-observe)
  sandbox   start, stop and inspect local test clusters and registries (see docs/sandbox.md)
  init      write a project from a kubeconfig: one inventory host per context, vars, playbooks
            (mcsync init --from-kubeconfig [FILE] [--master CONTEXT] [--dir DIR] [--force])
  completion  print a bash or zsh completion script (source <(mcsync completion bash))

Run 'mcsync COMMAND --help' for the options of a command.
  mcsync --version   print the version`;

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const verbosity = countVerbosity(argv);
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'play':
        return await runPlayCommand(rest, io);
      case 'observe':
        // Loaded on demand: the watch machinery is only needed by this command.
        return await (await import('./observe-command.ts')).runObserveCommand(rest, io);
      case 'sandbox':
        return await runSandboxCommand(rest);
      case 'init':
        return await (await import('./init-command.ts')).runInitCommand(rest, io);
      case 'completion':
        return (await import('./completion-command.ts')).runCompletionCommand(rest, io);
      case '__complete':
        // Hidden: the completion script asks for the host and context names of the line typed.
        return await (await import('./completion-command.ts')).runCompleteCallback(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(HELP + '\n');
        return command === undefined ? EXIT.badOption : EXIT.ok;
      case '--version':
        io.stdout.write(`mcsync ${version()}\n`);
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command '${command}'\n\n${HELP}`);
    }
  } catch (error) {
    return reportError(error, io, verbosity);
  }
}

function reportError(error: unknown, io: CommandIO, verbosity: number): number {
  const prefix = error instanceof LoadError || error instanceof LoadErrors ? 'ERROR! ' : 'ERROR! ';
  io.stderr.write(`${prefix}${errorMessage(error)}\n`);
  if (verbosity >= 3 && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  if (error instanceof UsageError) return EXIT.badOption;
  if (error instanceof LoadError || error instanceof LoadErrors) return EXIT.parseError;
  if (error instanceof McsyncError) return EXIT.parseError;
  if (verbosity < 3) io.stderr.write('(an unexpected error; run with -vvv for the stack trace)\n');
  return EXIT.unexpected;
}

function countVerbosity(argv: readonly string[]): number {
  return argv.reduce(
    (count, arg) => (/^-v+$/.test(arg) ? count + arg.length - 1 : arg === '--verbose' ? count + 1 : count),
    0,
  );
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/** The real process: stdout/stderr, cwd, env, and SIGINT as an abort signal (twice exits at once). */
function processIO(): CommandIO {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\n[interrupted: finishing tasks in flight; press Ctrl-C again to exit now]\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  });
  for (const stream of [process.stdout, process.stderr]) stream.on('error', dropOutputOnClosedPipe);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    interrupt: controller.signal,
  };
}

/**
 * A reader that goes away (`mcsync-play … | head`) closes the pipe: the rest of the output is
 * dropped and the play runs to its end with its own exit code. A play stopped by a pager would
 * leave its hosts half-changed; without this listener Node throws on the first write.
 */
function dropOutputOnClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
}

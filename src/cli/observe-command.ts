/**
 * `mcsync observe` / `mcsync-observe`: parses the flags (exit 5 on a bad one), then hands over to
 * the observer. SIGINT (from main) and SIGTERM (here, as a pod receives it) both ask the observer
 * to finish the run in flight, release its lease and exit 0.
 */
import { EXIT } from '../engine/playbook-runner.ts';
import { runObserver } from '../observe/observer.ts';
import type { ObserverParts } from '../observe/observer.ts';
import type { ObserverOptions } from '../observe/observer-options.ts';
import { openProjectVault } from '../project/project-vault.ts';
import { OBSERVE_HELP, parseObserveOptions } from './observe-options.ts';
import type { CommandIO } from './play-command.ts';

/** Runs `mcsync observe ARGV`; returns the exit code. Errors propagate to main's handler. */
export async function runObserveCommand(
  argv: readonly string[],
  io: CommandIO,
  parts?: ObserverParts,
): Promise<number> {
  const options = parseObserveOptions(argv);
  if (options.help) {
    io.stdout.write(OBSERVE_HELP + '\n');
    return EXIT.ok;
  }
  // The vault is opened here, once: a prompt could not be repeated on a --watch-files reload.
  const vault = options.playbook
    ? await openProjectVault(options, { vaultIdentityList: [] }, { cwd: io.cwd, stderr: io.stderr })
    : undefined;
  const observerOptions: ObserverOptions = vault ? { ...options, vault } : options;
  const term = new AbortController();
  const onTerm = (): void => {
    io.stderr.write('[SIGTERM: finishing the run in flight, then exiting]\n');
    term.abort();
  };
  process.once('SIGTERM', onTerm);
  try {
    const signal = AbortSignal.any([io.interrupt, term.signal]);
    const observerIO = { out: io.stdout, err: io.stderr, cwd: io.cwd, env: io.env, signal };
    return parts
      ? await runObserver(observerOptions, observerIO, parts)
      : await runObserver(observerOptions, observerIO);
  } finally {
    process.off('SIGTERM', onTerm);
  }
}

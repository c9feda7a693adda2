/**
 * `mcsync completion bash|zsh` prints the completion script; `mcsync __complete hosts|patterns|
 * contexts` (hidden, for that script) prints the names that depend on the line being typed.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { EXIT } from '../engine/playbook-runner.ts';
import { inventoryNames } from '../project/inventory-names.ts';
import { chooseKubeconfig, readKubeconfigContexts } from '../project/kubeconfig-contexts.ts';
import { bashScript, zshScript } from './completion-scripts.ts';
import { completionSpec, SHELLS } from './completion-spec.ts';
import type { CommandIO } from './play-command.ts';

export const COMPLETION_HELP = `Usage: mcsync completion bash|zsh

Prints a shell completion script for mcsync, mcsync-play and mcsync-observe: subcommands, their
flags, playbook files (*.yml, *.yaml and the names under ./playbooks/), inventory hosts and groups
(for -l/--limit, observe's --host/--hosts; from the -i typed, else mcsync.yaml's, else ./inventory/)
and kubeconfig contexts (init --master, observe --context).

  bash:  source <(mcsync completion bash)                 (in ~/.bashrc)
  zsh:   mcsync completion zsh > "\${fpath[1]}/_mcsync"    (then start a new shell)
         source <(mcsync completion zsh)                  (in ~/.zshrc, after compinit)

The script runs mcsync with the same node that printed it: print it again after moving either.`;

/** The argv the script runs for host and context names: this node and this package's bin. */
function callbackArgv(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../bin/mcsync.js', import.meta.url))];
}

/** Runs `mcsync completion ARGV`. */
export function runCompletionCommand(argv: readonly string[], io: CommandIO): number {
  const [shell, ...rest] = argv;
  if (shell === '-h' || shell === '--help') {
    io.stdout.write(COMPLETION_HELP + '\n');
    return EXIT.ok;
  }
  if (shell === undefined || !(SHELLS as readonly string[]).includes(shell) || rest.length > 0) {
    const got = shell === undefined ? 'none' : `'${argv.join(' ')}'`;
    throw new UsageError(`mcsync completion takes one shell, ${SHELLS.join(' or ')}; got ${got}`);
  }
  const options = { callback: callbackArgv() };
  io.stdout.write(
    shell === 'bash' ? bashScript(completionSpec(), options) : zshScript(completionSpec(), options),
  );
  return EXIT.ok;
}

/** Runs `mcsync __complete WHAT ARGS`: names one per line, for the completion script. */
export async function runCompleteCallback(argv: readonly string[], io: CommandIO): Promise<number> {
  const [what, ...rest] = argv;
  const names = await namesFor(what, rest, io);
  io.stdout.write(names.map((name) => `${name}\n`).join(''));
  return EXIT.ok;
}

async function namesFor(what: string | undefined, rest: readonly string[], io: CommandIO): Promise<string[]> {
  switch (what) {
    case 'hosts':
      return (await inventoryNames(inventoryArgs(rest), io.cwd)).hosts;
    case 'patterns': {
      const { hosts, groups } = await inventoryNames(inventoryArgs(rest), io.cwd);
      return [...groups, ...hosts];
    }
    case 'contexts': {
      const { file } = chooseKubeconfig(rest[0], io.cwd, io.env);
      return (await readKubeconfigContexts(file)).contexts;
    }
    default:
      throw new UsageError(`__complete takes hosts, patterns or contexts, got '${what ?? ''}'`);
  }
}

function inventoryArgs(argv: readonly string[]): string[] {
  const { values } = parseArgs({
    args: [...argv],
    options: { inventory: { type: 'string', short: 'i', multiple: true } },
    strict: true,
  });
  return values.inventory ?? [];
}

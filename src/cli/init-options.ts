/** Parses `mcsync init` arguments; every problem is a UsageError naming the flag. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export interface InitOptions {
  /** `--from-kubeconfig` was given (the only source of a project so far). */
  fromKubeconfig: boolean;
  /** Its FILE; undefined: KUBECONFIG's first file, else ~/.kube/config. */
  kubeconfig: string | undefined;
  master: string | undefined;
  force: boolean;
  dir: string;
  help: boolean;
}

/** node:util parseArgs definitions of the init flags (shell completion reads them too). */
export const INIT_PARSE_OPTIONS = {
  'from-kubeconfig': { type: 'boolean' },
  master: { type: 'string' },
  force: { type: 'boolean' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const INIT_HELP = `Usage: mcsync init --from-kubeconfig [FILE] [--master CONTEXT] [--dir DIR] [--force]

Writes a project that runs at once, with one inventory host per context of a kubeconfig:
  mcsync.yaml           the default inventory, and roles_path pointing at mcsync's roles
  inventory/hosts.yml   groups master (one context) and slaves (the others); each host has only
                        kubeconfig and context: no token or certificate is copied
  vars/create.yml       what the create role makes on every cluster (commented examples)
  vars/sync.yml         what the sync role copies from master to slaves (commented examples)
  playbooks/create.yml, playbooks/sync.yml   copies of the shipped playbooks, reading these vars
Host names come from the context names, made valid in host patterns and unique.

Options:
      --from-kubeconfig [FILE]  read the contexts of FILE (default: the first file of KUBECONFIG,
                                else ~/.kube/config)
      --master CONTEXT          the context that becomes the master (default: current-context)
      --dir DIR                 the project directory, created when missing (default: .)
      --force                   overwrite files that exist (without it nothing is overwritten)
  -h, --help                    show this help

Exit codes: 0 written, 4 the kubeconfig cannot be read or has no contexts, 5 bad option or a file
exists (nothing is written then).

Examples:
  mcsync init --from-kubeconfig
  mcsync init --from-kubeconfig ~/.kube/clusters.yaml --master east --dir clusters`;

const USAGE_HINT = `Run 'mcsync init --help' for usage.`;

/** Parses `mcsync init ARGV` (ARGV after the subcommand). */
export function parseInitOptions(argv: readonly string[]): InitOptions {
  let parsed;
  try {
    parsed = parseArgs({
      // `--from-kubeconfig=FILE` works too: its FILE is then the positional argument.
      args: argv.flatMap((arg) =>
        arg.startsWith('--from-kubeconfig=') ? ['--from-kubeconfig', arg.slice(18)] : [arg],
      ),
      allowPositionals: true,
      strict: true,
      options: INIT_PARSE_OPTIONS,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/, '')}\n${USAGE_HINT}`);
  }
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  const fromKubeconfig = values['from-kubeconfig'] ?? false;
  if (!help && !fromKubeconfig) {
    throw new UsageError(`mcsync init needs --from-kubeconfig (the source of the hosts)\n${USAGE_HINT}`, {
      key: 'from-kubeconfig',
    });
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `--from-kubeconfig takes one FILE, got ${positionals.length}: ${positionals.join(' ')}\n${USAGE_HINT}`,
      { key: 'from-kubeconfig' },
    );
  }
  if (values.master === '') throw new UsageError(`--master needs a context name\n${USAGE_HINT}`);
  if (values.dir === '') throw new UsageError(`--dir needs a directory\n${USAGE_HINT}`);
  return {
    fromKubeconfig,
    kubeconfig: positionals[0],
    master: values.master,
    force: values.force ?? false,
    dir: values.dir ?? '.',
    help,
  };
}

/** Parses `mcsync play` arguments into typed options; every problem is a UsageError naming the flag. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { EXIT } from '../engine/playbook-runner.ts';
import { VAULT_HELP, VAULT_PARSE_OPTIONS, vaultFlags } from './vault-options.ts';
import type { VaultFlags } from './vault-options.ts';

export type OutputKind = 'auto' | 'plain' | 'tree' | 'json';

export interface PlayOptions extends VaultFlags {
  playbooks: string[];
  inventory: string[];
  extraVars: string[];
  /** The one --limit pattern, as written. */
  limit?: string;
  tags: string[];
  skipTags: string[];
  check: boolean;
  diff: boolean;
  forks?: number;
  verbosity: number;
  syntaxCheck: boolean;
  listHosts: boolean;
  listTasks: boolean;
  listTags: boolean;
  startAtTask?: string;
  output: OutputKind;
  profile: boolean;
  rolesPath: string[];
  /** `--detailed-exitcode` (needs --check): exit EXIT.changesPending when any host would change. */
  detailedExitcode: boolean;
  /** `--junit FILE`: write a JUnit XML report there, one test case per host and task. */
  junit?: string;
  help: boolean;
}

export const PLAY_HELP = `Usage: mcsync-play [options] PLAYBOOK [PLAYBOOK...]
       mcsync play [options] PLAYBOOK [PLAYBOOK...]

Runs Ansible-style playbooks against an inventory of Kubernetes clusters.
PLAYBOOK is a path; a bare name is also looked up in ./playbooks/.

Options:
  -i, --inventory PATH     inventory file or directory (repeatable; default: mcsync.yaml's, else ./inventory/)
  -e, --extra-vars VARS    key=value pairs, @file.yml, or a JSON/YAML mapping (repeatable; highest precedence)
  -l, --limit PATTERN      run only on hosts matching PATTERN (as Ansible: 'slaves,!west', 'a:&b');
                           @file reads patterns from a file, one per line
  -t, --tags TAGS          run only tasks with these tags (comma-separated, repeatable)
      --skip-tags TAGS     skip tasks with these tags
  -C, --check              dry run: server-side dry-run where supported, no changes made
  -D, --diff               show differences for changed objects
  -f, --forks N            hosts run in parallel per task (default 10)
  -v, --verbose            -v results, -vv diffs and arguments, -vvv API calls and stack traces
      --syntax-check       load and validate everything, run nothing
      --list-hosts         list the hosts each play would run on
      --list-tasks         list the tasks each play would run
      --list-tags          list the tags of each play
      --start-at-task NAME start at the first task whose name matches NAME (globs allowed)
      --output FORMAT      auto (default), plain, tree or json
      --profile            print the slowest tasks after the recap
      --roles-path DIR     extra directory to search for roles (repeatable)
      --detailed-exitcode  with --check: exit ${EXIT.changesPending} when any host would change, 0 when none would
                           (a failed or unreachable host keeps its own code; see docs/ci.md)
      --junit FILE         also write a JUnit XML report to FILE: one test case per host and task
${VAULT_HELP}
  -h, --help               show this help

Exit codes: 0 ok, 2 a host failed, 4 a host was unreachable or the input is invalid,
5 bad option, ${EXIT.changesPending} changes pending (only with --check --detailed-exitcode), 99 interrupted,
250 unexpected error.

Examples:
  mcsync-play playbooks/sync.yml -i .sandbox/inventory.yml
  mcsync-play sync.yml --check --diff --limit slaves
  mcsync-play create.yml -e @vars/create.yml -e dry=true --tags projects
  mcsync-play sync.yml --vault-id dev@~/.vault/dev --vault-id prod@prompt
  mcsync-play sync.yml --check --detailed-exitcode --output json --junit drift.xml > plan.json`;

const OUTPUTS: readonly OutputKind[] = ['auto', 'plain', 'tree', 'json'];

/** Splits comma-separated values of repeatable flags. */
function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

export function parsePlayOptions(argv: readonly string[]): PlayOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        inventory: { type: 'string', short: 'i', multiple: true },
        'extra-vars': { type: 'string', short: 'e', multiple: true },
        limit: { type: 'string', short: 'l', multiple: true },
        tags: { type: 'string', short: 't', multiple: true },
        'skip-tags': { type: 'string', multiple: true },
        check: { type: 'boolean', short: 'C' },
        diff: { type: 'boolean', short: 'D' },
        forks: { type: 'string', short: 'f' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        'syntax-check': { type: 'boolean' },
        'list-hosts': { type: 'boolean' },
        'list-tasks': { type: 'boolean' },
        'list-tags': { type: 'boolean' },
        'start-at-task': { type: 'string' },
        output: { type: 'string' },
        profile: { type: 'boolean' },
        'roles-path': { type: 'string', multiple: true },
        'detailed-exitcode': { type: 'boolean' },
        junit: { type: 'string' },
        ...VAULT_PARSE_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify.*$/, '')}\nRun 'mcsync-play --help' for usage.`,
    );
  }
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (!help && positionals.length === 0)
    throw new UsageError(`no playbook given\nRun 'mcsync-play --help' for usage.`);
  const flag = (value: boolean | undefined): boolean => value ?? false;
  return {
    playbooks: positionals,
    inventory: values.inventory ?? [],
    extraVars: values['extra-vars'] ?? [],
    ...optional('limit', parseLimit(values.limit)),
    tags: splitList(values.tags),
    skipTags: splitList(values['skip-tags']),
    check: flag(values.check),
    diff: flag(values.diff),
    ...optional('forks', parseForks(values.forks)),
    verbosity: values.verbose?.length ?? 0,
    syntaxCheck: flag(values['syntax-check']),
    listHosts: flag(values['list-hosts']),
    listTasks: flag(values['list-tasks']),
    listTags: flag(values['list-tags']),
    ...optional('startAtTask', values['start-at-task']),
    output: parseOutput(values.output),
    profile: flag(values.profile),
    rolesPath: values['roles-path'] ?? [],
    ...ciFlags(values),
    ...vaultFlags(values),
    help,
  };
}

interface CiValues {
  check?: boolean | undefined;
  'detailed-exitcode'?: boolean | undefined;
  junit?: string | undefined;
  'syntax-check'?: boolean | undefined;
  'list-hosts'?: boolean | undefined;
  'list-tasks'?: boolean | undefined;
  'list-tags'?: boolean | undefined;
}

/**
 * The drift-check flags. Each is refused where it would have no effect: --detailed-exitcode reports
 * what a dry run would change, so it needs --check (without it the changes are made, and the
 * recap's changed= counts them); neither flag does anything when nothing runs.
 */
function ciFlags(values: CiValues): Pick<PlayOptions, 'detailedExitcode' | 'junit'> {
  const detailedExitcode = values['detailed-exitcode'] ?? false;
  if (detailedExitcode && !values.check) {
    throw new UsageError(
      '--detailed-exitcode needs --check: it reports the changes a dry run would make ' +
        `(exit ${EXIT.changesPending} when any host would change); add --check, or drop --detailed-exitcode`,
      { key: 'detailed-exitcode' },
    );
  }
  if (values.junit === '') throw new UsageError('--junit needs a file name', { key: 'junit' });
  const listing = ['syntax-check', 'list-hosts', 'list-tasks', 'list-tags'] as const;
  const runsNothing = listing.find((flag) => values[flag]);
  for (const [flag, given] of [
    ['detailed-exitcode', detailedExitcode],
    ['junit', values.junit !== undefined],
  ] as const) {
    if (given && runsNothing)
      throw new UsageError(`--${flag} has no effect with --${runsNothing}, which runs no task`, {
        key: flag,
      });
  }
  return { detailedExitcode, ...optional('junit', values.junit) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * One --limit only: ansible-playbook silently keeps the last of several, which would run on hosts
 * an earlier -l meant to exclude, so mcsync refuses the ambiguity instead.
 */
function parseLimit(values: readonly string[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) {
    throw new UsageError(
      `--limit given ${values.length} times; give one pattern, e.g. --limit '${values.join(',')}'` +
        ` (ansible-playbook would silently use only the last one)`,
      { key: 'limit' },
    );
  }
  return values[0];
}

function parseOutput(value: string | undefined): OutputKind {
  const output = (value ?? 'auto') as OutputKind;
  if (!OUTPUTS.includes(output))
    throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}, got '${value}'`);
  return output;
}

function parseForks(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const forks = Number(value);
  if (!Number.isInteger(forks) || forks < 1)
    throw new UsageError(`--forks must be a positive integer, got '${value}'`);
  return forks;
}

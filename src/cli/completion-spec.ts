/**
 * What shell completion offers, derived from the parsers' own option tables (observe, sandbox,
 * init, the vault flags) and, for play, whose table is inline in its parser, from the --help text
 * the keyword-coverage test also reads (test/unit/cli/completion.test.ts checks every flag it
 * finds against parsePlayOptions). A flag added to a parser is completed without touching this file.
 */
import { INIT_PARSE_OPTIONS } from './init-options.ts';
import { OBSERVE_PARSE_OPTIONS } from './observe-options.ts';
import { PLAY_HELP } from './play-options.ts';
import type { OutputKind } from './play-options.ts';
import { SANDBOX_COMMANDS, SANDBOX_PARSE_OPTIONS } from './sandbox-command.ts';

/** What a flag's value, or a positional argument, is completed with. */
export type ValueKind =
  | { kind: 'file' }
  | { kind: 'dir' }
  /** A file or a directory (inventories). */
  | { kind: 'path' }
  /** `*.yml`/`*.yaml` files, and the names under ./playbooks/ (looked up there). */
  | { kind: 'playbook' }
  /** Inventory host names. */
  | { kind: 'host' }
  /** Host and group names, after a pattern's `,`, `!` or `&`. */
  | { kind: 'pattern' }
  /** Context names of the kubeconfig typed on the line (or the default one). */
  | { kind: 'context' }
  /** `-e @FILE`: files after an `@`, nothing for `key=value`. */
  | { kind: 'at-file' }
  /** A command on PATH (after observe's `--`). */
  | { kind: 'command' }
  | { kind: 'words'; words: readonly string[] }
  /** A value is expected, but nothing can be offered. */
  | { kind: 'none' };

export interface CompletedFlag {
  long: string;
  short?: string;
  /** Undefined for a flag that takes no value. */
  value?: ValueKind;
}

export interface CompletedCommand {
  name: string;
  flags: CompletedFlag[];
  /** The kind of each positional argument by index; the last one repeats. Empty: none. */
  positionals: ValueKind[];
  /** What follows `--` (observe's COMMAND). */
  afterDashDash?: ValueKind;
}

/** A parseArgs options table, as each parser declares it. */
type ParseTable = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** Every OutputKind once: the compiler rejects a missing or extra one. */
const PLAY_OUTPUTS = Object.keys({ auto: 0, plain: 0, tree: 0, json: 0 } satisfies Record<OutputKind, 0>);

const FILE: ValueKind = { kind: 'file' };
const DIR: ValueKind = { kind: 'dir' };
const PATH: ValueKind = { kind: 'path' };
const NONE: ValueKind = { kind: 'none' };

/** Values with something to offer, by flag; other flags that take a value get `none`. */
export const VALUE_KINDS: Readonly<Record<string, Readonly<Record<string, ValueKind>>>> = {
  play: {
    inventory: PATH,
    'extra-vars': { kind: 'at-file' },
    limit: { kind: 'pattern' },
    output: { kind: 'words', words: PLAY_OUTPUTS },
    'roles-path': DIR,
    junit: FILE,
    'vault-password-file': FILE,
  },
  observe: {
    kubeconfig: FILE,
    context: { kind: 'context' },
    inventory: PATH,
    host: { kind: 'host' },
    hosts: { kind: 'pattern' },
    output: { kind: 'words', words: ['jsonpath', 'go-template'] },
    playbook: { kind: 'playbook' },
    'extra-vars': { kind: 'at-file' },
    'vault-password-file': FILE,
    'vault-pass-file': FILE,
    'leader-elect': { kind: 'words', words: ['true', 'false'] },
    'allow-missing-template-keys': { kind: 'words', words: ['true', 'false'] },
    'print-metrics-on-exit': { kind: 'words', words: ['true', 'false'] },
  },
  init: { master: { kind: 'context' }, dir: DIR },
  sandbox: { dir: DIR },
};

/** The subcommands of `mcsync` and what each completes. */
export function completionSpec(): CompletedCommand[] {
  return [
    { name: 'play', flags: withValues('play', playTable()), positionals: [{ kind: 'playbook' }] },
    {
      name: 'observe',
      flags: withValues('observe', OBSERVE_PARSE_OPTIONS),
      positionals: [NONE],
      afterDashDash: { kind: 'command' },
    },
    {
      name: 'sandbox',
      flags: withValues('sandbox', SANDBOX_PARSE_OPTIONS),
      positionals: [{ kind: 'words', words: SANDBOX_COMMANDS }, NONE],
    },
    // FILE belongs to --from-kubeconfig (a flag whose value may be left out, so a positional).
    { name: 'init', flags: withValues('init', INIT_PARSE_OPTIONS), positionals: [FILE] },
    {
      name: 'completion',
      flags: [{ long: 'help', short: 'h' }],
      positionals: [{ kind: 'words', words: SHELLS }, NONE],
    },
  ];
}

/** The shells `mcsync completion` writes a script for. */
export const SHELLS = ['bash', 'zsh'] as const;

function withValues(command: string, table: ParseTable): CompletedFlag[] {
  return Object.entries(table).map(([long, spec]) => ({
    long,
    ...(spec.short === undefined ? {} : { short: spec.short }),
    ...(spec.type === 'string' ? { value: VALUE_KINDS[command]?.[long] ?? NONE } : {}),
  }));
}

/**
 * mcsync-play's flags as its --help lists them: `  -i, --inventory PATH` takes a value (an
 * upper-case word or `[`… after the name), `      --check` does not.
 */
export function playTable(): ParseTable {
  const table: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const m of PLAY_HELP.matchAll(/^\s+(?:-([a-zA-Z]), )?--([a-z][a-z-]+)( [A-Z[])?/gm)) {
    const [, short, long, value] = m as unknown as [string, string | undefined, string, string | undefined];
    table[long] = {
      type: value === undefined ? 'boolean' : 'string',
      ...(short === undefined ? {} : { short }),
    };
  }
  return table;
}

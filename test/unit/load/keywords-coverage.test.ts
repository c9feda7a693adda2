/**
 * No silent ignores: every key mcsync accepts — playbook keywords at each level (from the schemas
 * in src/load/schemas.ts), the arguments of the builtin modules (their argsSchema), mcsync.yaml keys,
 * mcsync-play flags, mcsync init flags and mcsync observe flags — either has an effect that a named test shows (EFFECTS below) or is a
 * documented deliberate no-op (NO_OP_KEYWORDS in src/load/keywords.ts, rendered in
 * docs/playbook-language.md). The named test must exist and mention the key, so the table cannot rot.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SchemaObject } from 'ajv';
import { INIT_PARSE_OPTIONS } from '../../../src/cli/init-options.ts';
import { OBSERVE_HELP } from '../../../src/cli/observe-help.ts';
import { PLAY_HELP } from '../../../src/cli/play-options.ts';
import { readProjectConfig } from '../../../src/project/project-config.ts';
import { NO_OP_KEYWORDS, ROLE_INCLUDE_OPTIONS } from '../../../src/load/keywords.ts';
import type { KeywordScope } from '../../../src/load/keywords.ts';
import {
  blockSchema,
  handlerSchema,
  importPlaybookSchema,
  includeSchema,
  playSchema,
  roleMetaSchema,
  taskSchema,
} from '../../../src/load/schemas.ts';
import { builtinModules } from '../../../src/modules/registry.ts';

/**
 * The keyword scopes, plus `mcsync init`'s flags (from the table its parser uses) and
 * `mcsync observe`'s (those its --help documents, as for mcsync-play).
 */
type Scope = KeywordScope | 'cli:init' | 'cli:observe';

/** A test that shows a key's effect: the file and the exact title of an `it(...)`/`test(...)`. */
type Effect = readonly [file: string, title: string];

const ENGINE = 'test/unit/engine/engine.test.ts';
const ENV = 'test/unit/engine/environment.test.ts';
const CLI = 'test/unit/cli/cli.test.ts';
const EFFECTS_CLI = 'test/unit/cli/keyword-effects.test.ts';
const ENV_CLI = 'test/unit/cli/environment.test.ts';
const SEMANTICS = 'test/unit/cli/task-semantics.test.ts';
const SCOPES = 'test/unit/load/keyword-scopes.test.ts';
const ROLES = 'test/unit/load/roles-and-includes.test.ts';
const SIMPLE = 'test/unit/modules/simple-modules.test.ts';
const COMMAND = 'test/unit/modules/command.test.ts';
const INCLUDE_VARS = 'test/unit/modules/include-vars.test.ts';
const WAIT_FOR = 'test/unit/modules/wait-for.test.ts';
const URI = 'test/unit/modules/uri.test.ts';
const OPTIONS = 'test/unit/modules/option-effects.test.ts';
const VAULT = 'test/unit/cli/vault-cli.test.ts';
const INIT = 'test/unit/cli/init-cli.test.ts';
const OBSERVE_FLAGS = 'test/integration/observe/flags.test.ts';
const OBSERVE_COMMAND = 'test/integration/observe/command.test.ts';
const OBSERVE_RECONCILE = 'test/integration/observe/reconcile.test.ts';

const merge: Effect = [
  ENV_CLI,
  'play, roles, dependencies, blocks, imports and task merge as in ansible-playbook',
];
const loops: Effect = [
  EFFECTS_CLI,
  'with_items, with_dict, with_list and loop_control loop_var, index_var, label and pause',
];
const listings: Effect = [
  CLI,
  '--list-hosts, --list-tasks and --list-tags describe the run without running it',
];
const blockIgnore: Effect = [
  ENV,
  'ignore_errors on a block ignores a failing task; a task that sets its own keeps it',
];
const blockRunOnce: Effect = [ENV, 'run_once on a block runs each task on the first host only'];
const blockCheck: Effect = [ENV, 'check_mode on a block runs its tasks in check mode'];
const blockNoLog: Effect = [ENV, 'no_log on a block censors the results of its tasks'];
const blockDelegate: Effect = [ENV, 'delegate_to on a block runs its tasks for the delegate'];
const imports: Effect = [
  SCOPES,
  'import_tasks and import_role pass the block keywords to the imported tasks',
];
const roleEntry: Effect = [
  SCOPES,
  'a roles: entry takes the block keywords; Ansible keywords it cannot honour are errors, not role variables',
];
const roleScope: Effect = [
  ROLES,
  'a role becomes a block whose tasks carry its scope: defaults, vars and params',
];
const includeParams: Effect = [
  SEMANTICS,
  'vars on include_tasks beat role params; vars on import_tasks do not',
];
const precedence: Effect = [ENGINE, 'precedence: extra vars > set_fact > task vars > play vars > inventory'];
const rescue: Effect = [
  ENGINE,
  'rescue runs for the failed host, counts rescued, and always runs for every host',
];
const until: Effect = [
  ENGINE,
  'until retries the module until the condition holds, then fails when retries run out',
];
const shortCircuit: Effect = [COMMAND, 'does not run when creates exists or removes is missing'];
const chdirStdin: Effect = [COMMAND, 'runs in chdir and feeds stdin'];
const outputOptions: Effect = [
  OPTIONS,
  'stdin_add_newline: false sends stdin as given; strip_empty_ends: false keeps trailing newlines',
];
const tls: Effect = [URI, 'checks certificates unless validate_certs is false, and trusts ca_path'];
const flags: Effect = [EFFECTS_CLI, '--start-at-task, --skip-tags and --profile'];
const rolesForks: Effect = [
  EFFECTS_CLI,
  '--roles-path and mcsync.yaml roles_path find roles elsewhere; --forks and forks bound parallel hosts',
];
const vaultFiles: Effect = [
  VAULT,
  "mcsync.yaml's vault_identity_list and vault_password_file are read, paths relative to it",
];

/** Keys that have an effect, keyed `scope key`, with the test that shows it. */
const EFFECTS: Readonly<Record<string, Effect>> = {
  'play name': [CLI, '--list-hosts, --list-tasks and --list-tags describe the run without running it'],
  'play hosts': [CLI, '--limit with commas keeps exclusions and intersections, as ansible-playbook does'],
  'play vars': precedence,
  'play vars_files': [CLI, '--syntax-check validates roles and vars files and runs nothing'],
  'play roles': roleScope,
  'play pre_tasks': [
    EFFECTS_CLI,
    'pre_tasks, roles, tasks and post_tasks run in that order, handlers flushed after each',
  ],
  'play tasks': [
    EFFECTS_CLI,
    'pre_tasks, roles, tasks and post_tasks run in that order, handlers flushed after each',
  ],
  'play post_tasks': [
    EFFECTS_CLI,
    'pre_tasks, roles, tasks and post_tasks run in that order, handlers flushed after each',
  ],
  'play handlers': [
    ENGINE,
    'handlers run once at the end of the play, only on hosts that notified them with a change',
  ],
  'play serial': [ENGINE, 'serial runs hosts in batches, each batch through the whole play'],
  'play any_errors_fatal': [ENGINE, 'any_errors_fatal stops the play for every host after one fails'],
  'play max_fail_percentage': [
    EFFECTS_CLI,
    'max_fail_percentage stops the play once more hosts than that share failed',
  ],
  'play tags': listings,
  'play check_mode': [
    EFFECTS_CLI,
    'play check_mode runs every task in check mode; gather_facts: true warns that it does nothing',
  ],
  'play environment': merge,

  'task name': flags,
  'task when': [ENGINE, 'when false skips the task and counts skipped'],
  'task tags': [
    ENGINE,
    '--tags runs matching tasks plus always-tagged ones; never-tagged run only when named',
  ],
  'task vars': precedence,
  'task ignore_errors': [ENGINE, 'ignore_errors counts ok and ignored, not failed'],
  'task run_once': [ENGINE, 'run_once runs on the first host and shares the registered result'],
  'task delegate_to': blockDelegate,
  'task no_log': [CLI, 'no_log hides a task result, and a secret token from the inventory never prints'],
  'task check_mode': blockCheck,
  'task environment': merge,
  'task loop': [ENGINE, 'loops render per item and register collects results'],
  'task with_items': loops,
  'task with_dict': loops,
  'task with_subelements': [
    ENGINE,
    'with_subelements pairs each parent with each child as item.0 and item.1',
  ],
  'task with_list': loops,
  'task loop_control': loops,
  'task register': [ENGINE, 'loops render per item and register collects results'],
  'task failed_when': [ENGINE, 'failed_when and changed_when override the module result'],
  'task changed_when': [ENGINE, 'failed_when and changed_when override the module result'],
  'task until': until,
  'task retries': until,
  'task delay': [
    SEMANTICS,
    'until, changed_when and failed_when see the facts the same task set and its registered result',
  ],
  'task notify': [
    ENGINE,
    'handlers run once at the end of the play, only on hosts that notified them with a change',
  ],
  'task args': [EFFECTS_CLI, 'args: merges into the module arguments, and the module key wins'],
  'handler listen': [
    'test/unit/engine/handler-topics.test.ts',
    'every handler listening to a notified topic runs; a name notifies only the first handler of that name',
  ],

  'block when': [ENV, 'when on a block skips its tasks; vars on a block are visible to them'],
  'block tags': listings,
  'block vars': [ENV, 'when on a block skips its tasks; vars on a block are visible to them'],
  'block ignore_errors': blockIgnore,
  'block run_once': blockRunOnce,
  'block delegate_to': blockDelegate,
  'block no_log': blockNoLog,
  'block check_mode': blockCheck,
  'block environment': merge,
  'block block': rescue,
  'block rescue': rescue,
  'block always': rescue,

  'include when': [
    ROLES,
    'import_tasks and static include_tasks expand into blocks carrying the include keywords',
  ],
  'include tags': [
    ROLES,
    'import_tasks and static include_tasks expand into blocks carrying the include keywords',
  ],
  'include vars': includeParams,
  'include ignore_errors': imports,
  'include run_once': imports,
  'include delegate_to': imports,
  'include no_log': imports,
  'include check_mode': imports,
  'include environment': merge,
  'include loop': [
    ROLES,
    'a templated include_tasks and an include_tasks with a loop become dynamic includes',
  ],
  'include with_items': loops,
  'include with_dict': loops,
  'include with_subelements': loops,
  'include with_list': loops,
  'include loop_control': loops,

  'role_entry role': roleScope,
  'role_entry name': [ROLES, 'a role runs once per play unless its params differ'],
  'role_entry tags': roleScope,
  'role_entry when': roleScope,
  'role_entry vars': roleScope,
  'role_entry environment': merge,
  'role_entry ignore_errors': roleEntry,
  'role_entry no_log': roleEntry,
  'role_entry check_mode': roleEntry,
  'role_entry delegate_to': roleEntry,
  'role_entry run_once': roleEntry,
  'role_include name': [ROLES, 'loadRole loads a role by name for include_role at run time'],
  'role_include tasks_from': [
    ROLES,
    'import_role with tasks_from expands statically; a templated include_role waits for run time',
  ],
  'role_meta dependencies': [
    ROLES,
    'meta dependencies come first inside the role block, with their own params',
  ],
  'role_meta allow_duplicates': [
    EFFECTS_CLI,
    'a roles: entry or meta dependency runs again when its meta says allow_duplicates',
  ],
  'loop_control loop_var': loops,
  'loop_control label': loops,
  'loop_control index_var': loops,
  'loop_control pause': loops,
  'import_playbook import_playbook': [
    'test/unit/load/load-playbook.test.ts',
    'import_playbook expands the imported plays in place, with their own base directory',
  ],
  'import_playbook name': [
    'test/unit/load/load-playbook.test.ts',
    'import_playbook expands the imported plays in place, with their own base directory',
  ],

  'module:debug msg': [SIMPLE, 'returns msg, defaulting to Hello world!'],
  'module:debug var': [SIMPLE, 'shows a variable by name, including dotted paths'],
  'module:debug verbosity': [SIMPLE, 'skips below its verbosity'],
  'module:assert that': [SIMPLE, 'accepts conditions as the engine evaluates them and names the failing one'],
  'module:assert fail_msg': [
    SIMPLE,
    'accepts conditions as the engine evaluates them and names the failing one',
  ],
  'module:assert msg': [SIMPLE, 'accepts conditions as the engine evaluates them and names the failing one'],
  'module:assert success_msg': [SIMPLE, 'passes when every evaluated condition is true'],
  'module:fail msg': [SIMPLE, 'fails with the message or the default'],
  'module:include_vars _raw_params': [INCLUDE_VARS, 'loads a file relative to the base dir (free form)'],
  'module:include_vars file': [INCLUDE_VARS, 'also finds the file in a vars/ folder beside the base dir'],
  'module:include_vars dir': [INCLUDE_VARS, 'loads a directory in name order, YAML and JSON only'],
  'module:include_vars name': [INCLUDE_VARS, 'puts the variables under name when given'],
  'module:include_vars depth': [
    OPTIONS,
    'depth, files_matching and extensions choose the files of a directory',
  ],
  'module:include_vars files_matching': [
    OPTIONS,
    'depth, files_matching and extensions choose the files of a directory',
  ],
  'module:include_vars extensions': [
    OPTIONS,
    'depth, files_matching and extensions choose the files of a directory',
  ],
  'module:pause seconds': [SIMPLE, 'sleeps through the injected clock'],
  'module:pause minutes': [SIMPLE, 'sleeps through the injected clock'],
  'module:pause prompt': [SIMPLE, 'does not wait for input and warns instead'],
  'module:wait_for host': [WAIT_FOR, 'returns as soon as a TCP port accepts connections'],
  'module:wait_for port': [WAIT_FOR, 'returns as soon as a TCP port accepts connections'],
  'module:wait_for url': [WAIT_FOR, 'polls a URL until it answers with an accepted status'],
  'module:wait_for status_code': [WAIT_FOR, 'polls a URL until it answers with an accepted status'],
  'module:wait_for validate_certs': [
    OPTIONS,
    'wait_for checks certificates unless validate_certs is false, and trusts ca_path',
  ],
  'module:wait_for ca_path': [
    OPTIONS,
    'wait_for checks certificates unless validate_certs is false, and trusts ca_path',
  ],
  'module:wait_for timeout': [
    WAIT_FOR,
    'times out on a closed port, sleeping between attempts through the clock',
  ],
  'module:wait_for delay': [
    WAIT_FOR,
    'times out on a closed port, sleeping between attempts through the clock',
  ],
  'module:wait_for sleep': [
    WAIT_FOR,
    'times out on a closed port, sleeping between attempts through the clock',
  ],
  'module:wait_for connect_timeout': [
    OPTIONS,
    'wait_for connect_timeout bounds each probe of a server that never answers',
  ],
  'module:wait_for state': [WAIT_FOR, 'waits for a closed port with state stopped'],
  'module:wait_for msg': [
    WAIT_FOR,
    'times out on a closed port, sleeping between attempts through the clock',
  ],
  'module:command _raw_params': [COMMAND, 'splits a free-form command line into words'],
  'module:command cmd': [COMMAND, 'needs exactly one way to give the command'],
  'module:command argv': [COMMAND, 'runs an argv list without a shell and reports changed with output'],
  'module:command chdir': chdirStdin,
  'module:command creates': shortCircuit,
  'module:command removes': shortCircuit,
  'module:command stdin': chdirStdin,
  'module:command stdin_add_newline': outputOptions,
  'module:command strip_empty_ends': outputOptions,
  'module:shell _raw_params': [COMMAND, 'runs through /bin/sh so pipes and variables work'],
  'module:shell cmd': [COMMAND, 'runs through /bin/sh so pipes and variables work'],
  'module:shell executable': [OPTIONS, 'runs the script with the given shell instead of /bin/sh'],
  'module:shell chdir': chdirStdin,
  'module:shell creates': shortCircuit,
  'module:shell removes': shortCircuit,
  'module:shell stdin': chdirStdin,
  'module:shell stdin_add_newline': outputOptions,
  'module:shell strip_empty_ends': outputOptions,
  'module:uri url': [URI, 'GETs a URL and parses a JSON body'],
  'module:uri method': [URI, 'POSTs a JSON body with body_format json and returns content when asked'],
  'module:uri body': [URI, 'POSTs a JSON body with body_format json and returns content when asked'],
  'module:uri body_format': [URI, 'POSTs a JSON body with body_format json and returns content when asked'],
  'module:uri headers': [URI, 'sends headers but never returns them, so Authorization cannot print'],
  'module:uri status_code': [URI, 'fails when the status is not in status_code'],
  'module:uri return_content': [
    URI,
    'POSTs a JSON body with body_format json and returns content when asked',
  ],
  'module:uri validate_certs': tls,
  'module:uri ca_path': tls,
  'module:uri timeout': [URI, 'reports status -1 when the server cannot be reached'],
  'module:uri follow_redirects': [OPTIONS, 'uri follow_redirects: false returns the redirect itself'],

  'config inventory': [CLI, 'mcsync.yaml supplies the default inventory'],
  'config roles_path': rolesForks,
  'config forks': rolesForks,
  'config vault_password_file': vaultFiles,
  'config vault_identity_list': vaultFiles,
  'config vault_id_match': [
    'test/unit/vault/vault-wiring.test.ts',
    'mcsync.yaml: vault_password_file and vault_identity_list resolve against its folder; prompt stays prompt',
  ],

  'cli:play inventory': [
    CLI,
    '--limit with commas keeps exclusions and intersections, as ansible-playbook does',
  ],
  'cli:play extra-vars': [CLI, '-e key=value, @file and JSON merge with extra vars winning over play vars'],
  'cli:play limit': [CLI, '--limit with commas keeps exclusions and intersections, as ansible-playbook does'],
  'cli:play tags': [
    ENGINE,
    '--tags runs matching tasks plus always-tagged ones; never-tagged run only when named',
  ],
  'cli:play skip-tags': flags,
  'cli:play check': [
    'test/integration/kube/play.test.ts',
    'with --check --diff reports the change, writes nothing and masks Secret values and tokens',
  ],
  'cli:play diff': [
    'test/integration/kube/play.test.ts',
    'with --check --diff reports the change, writes nothing and masks Secret values and tokens',
  ],
  'cli:play forks': rolesForks,
  'cli:play verbose': [CLI, '-vvv adds the stack trace to an error'],
  'cli:play syntax-check': [CLI, '--syntax-check validates roles and vars files and runs nothing'],
  'cli:play list-hosts': listings,
  'cli:play list-tasks': listings,
  'cli:play list-tags': listings,
  'cli:play start-at-task': flags,
  'cli:play output': [CLI, '--output json prints one JSON document with every result and the recap'],
  'cli:play profile': flags,
  'cli:play roles-path': rolesForks,
  'cli:play detailed-exitcode': [
    'test/unit/cli/drift-check.test.ts',
    'exits 0 when nothing would change and 6 when a host would, 2 when a host fails',
  ],
  'cli:play junit': [
    'test/unit/cli/drift-check.test.ts',
    '--junit writes the report beside a normal run, and a missing folder is refused before the run',
  ],
  'cli:play vault-password-file': [VAULT, '--vault-password-file runs an executable and uses what it prints'],
  'cli:play vault-id': [VAULT, '--vault-id is repeatable: each 1.2 vault opens with the secret of its id'],
  'cli:play ask-vault-pass': [VAULT, '--ask-vault-pass without a terminal exits 5 naming the alternatives'],
  'cli:play help': [VAULT, '--help lists the vault flags'],

  'cli:init from-kubeconfig': [
    INIT,
    'init --from-kubeconfig reads ~/.kube/config, or the FILE given, and says what it wrote',
  ],
  'cli:init master': [
    INIT,
    '--master chooses the master; --dir is created; without --from-kubeconfig it exits 5',
  ],
  'cli:init dir': [
    INIT,
    '--master chooses the master; --dir is created; without --from-kubeconfig it exits 5',
  ],
  'cli:init force': [INIT, 'refuses to overwrite (exit 5, nothing written) unless --force'],
  'cli:init help': [INIT, '--help lists the flags, and mcsync --help lists init and completion'],

  ...observeEffects(),
};

/** `mcsync observe`'s flags, grouped by the test that shows them. */
function observeEffects(): Record<string, Effect> {
  const seed: Effect = [
    OBSERVE_COMMAND,
    "drives an unchanged watch.sh with oc's argv on the seed's command line, then exits with --once",
  ];
  const cluster: Effect = [
    OBSERVE_FLAGS,
    '--kubeconfig and --context choose the cluster, -l keeps labelled objects, --print-metrics-on-exit prints the metrics',
  ];
  const events: Effect = [
    OBSERVE_COMMAND,
    'runs the command for Added and Updated, --delete for Deleted, with the object in --object-env-var',
  ];
  const names: Effect = [
    OBSERVE_COMMAND,
    '--names lists known names; those the cluster lacks go to --delete with namespace and name only',
  ];
  const timing: Effect = [
    OBSERVE_COMMAND,
    '--exit-after stops after the duration with exit 0; --resync-period re-runs every object as Sync',
  ];
  const errors: Effect = [
    OBSERVE_COMMAND,
    'retries --retry-on-exit-code, requeues failures, and exits 1 at --maximum-errors',
  ];
  const lease: Effect = [
    OBSERVE_COMMAND,
    'with --leader-elect only one of two observers acts; after SIGTERM the other takes over',
  ];
  const backlog: Effect = [
    'test/integration/observe/backlog.test.ts',
    'a change right after ready reaches both slaves within 2 s; the 300 take one batched pass',
  ];
  const vault: Effect = [
    OBSERVE_FLAGS,
    '--playbook opens vaulted vars with --vault-password-file and --vault-id; -v shows the task output',
  ];
  const failover: Effect = [
    'test/integration/failover/observe.test.ts',
    'observers on west and south re-run the playbook every resync period; killing east fails over once',
  ];
  const flags: Record<string, Effect> = {
    kubeconfig: cluster,
    context: cluster,
    selector: cluster,
    'print-metrics-on-exit': cluster,
    namespace: cluster,
    inventory: backlog,
    playbook: backlog,
    'when-annotation': backlog,
    host: failover,
    'field-selector': failover,
    hosts: [
      OBSERVE_COMMAND,
      '--hosts watches every matching inventory host; the command learns the cluster from MCSYNC_CLUSTER',
    ],
    'all-namespaces': seed,
    argument: seed,
    once: seed,
    template: events,
    'type-env-var': events,
    'object-env-var': events,
    quiet: events,
    output: [OBSERVE_FLAGS, '-o go-template renders --template as a Go template'],
    'allow-missing-template-keys': [
      OBSERVE_FLAGS,
      '--allow-missing-template-keys=false fails the event on a missing key; by default it renders empty',
    ],
    names,
    delete: names,
    'resync-period': timing,
    'exit-after': timing,
    'watch-silence-timeout': [
      'test/integration/observe/faults.test.ts',
      'still syncs changes made after a kill -9 + restart and after a SIGSTOP/SIGCONT of the master',
    ],
    'maximum-errors': errors,
    'retry-on-exit-code': errors,
    'retry-count': errors,
    'listen-addr': [
      OBSERVE_COMMAND,
      'serves /healthz, /healthz/ready after the initial list, and /metrics with oc observe metric names',
    ],
    workers: [
      'test/integration/observe/playbook.test.ts',
      'with --workers 4, every one of 30 ImageStreams created back to back reaches every slave',
    ],
    'extra-vars': [
      OBSERVE_RECONCILE,
      "the playbook's own prune setting (-e watch_prune=true) removes them as --prune does",
    ],
    prune: [
      OBSERVE_RECONCILE,
      'after a restart: without --prune the orphaned copies are reported and kept; with --prune they are gone within one resync',
    ],
    'watch-files': [
      'test/integration/observe/playbook.test.ts',
      '--watch-files reloads a changed playbook, and keeps the previous one when the change is invalid',
    ],
    'vault-password-file': vault,
    'vault-id': vault,
    verbose: vault,
    'ask-vault-pass': [OBSERVE_FLAGS, '--ask-vault-pass without a terminal exits 5 naming the alternatives'],
    'leader-elect': lease,
    'lease-duration': lease,
    identity: lease,
    'lease-name': [OBSERVE_FLAGS, '--lease-name and --lease-namespace say which Lease --leader-elect holds'],
    'lease-namespace': [
      OBSERVE_FLAGS,
      '--lease-name and --lease-namespace say which Lease --leader-elect holds',
    ],
    help: [
      'test/unit/observe/observe-options.test.ts',
      '--help prints the usage with every flag, --prune among them, and exits 0 without a cluster',
    ],
  };
  return Object.fromEntries(Object.entries(flags).map(([flag, effect]) => [`cli:observe ${flag}`, effect]));
}

/**
 * A handler is a task run by the same TaskExecutor (src/engine/task-executor.ts), so a task
 * keyword's effect test shows it for handlers too; only `listen` is a handler's own.
 */
function effectOf(scope: Scope, key: string): Effect | undefined {
  return EFFECTS[`${scope} ${key}`] ?? (scope === 'handler' ? EFFECTS[`task ${key}`] : undefined);
}

function keysOf(schema: SchemaObject | undefined): string[] {
  return Object.keys((schema?.['properties'] as Record<string, unknown> | undefined) ?? {});
}

/** The flags mcsync-play documents in --help (long name → short form, if any). */
function playFlags(): Map<string, string | undefined> {
  const flags = new Map<string, string | undefined>();
  for (const m of PLAY_HELP.matchAll(/^\s+(?:(-[a-zA-Z]), )?--([a-z][a-z-]+)/gm)) flags.set(m[2]!, m[1]);
  return flags;
}

/** The flags mcsync observe documents in --help (long name → short form, if any). */
function observeFlags(): Map<string, string | undefined> {
  const flags = new Map<string, string | undefined>();
  for (const m of OBSERVE_HELP.matchAll(/^\s+(?:(-[a-zA-Z]), )?--([a-z][a-z-]+)/gm)) flags.set(m[2]!, m[1]);
  return flags;
}

/** mcsync.yaml's keys, as its own error message lists them. */
async function configKeys(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-config-keys-'));
  await writeFile(join(dir, 'mcsync.yaml'), 'no_such_key: 1\n');
  const error = await readProjectConfig(dir).catch((e: unknown) => e);
  const listed = /expected one of (.*)$/.exec(String((error as Error).message))?.[1] ?? '';
  return listed.split(', ').filter(Boolean);
}

async function acceptedKeys(): Promise<[Scope, string][]> {
  const properties = (schema: SchemaObject, key: string): SchemaObject =>
    (schema['properties'] as Record<string, SchemaObject>)[key]!;
  const roleEntrySchema = properties(roleMetaSchema, 'dependencies')['items'] as SchemaObject;
  const levels: [Scope, string[]][] = [
    ['play', keysOf(playSchema)],
    ['task', keysOf(taskSchema)],
    ['handler', keysOf(handlerSchema)],
    ['block', keysOf(blockSchema)],
    ['include', keysOf(includeSchema)],
    ['role_entry', keysOf(roleEntrySchema)],
    ['role_include', [...ROLE_INCLUDE_OPTIONS]],
    ['role_meta', keysOf(roleMetaSchema)],
    ['loop_control', keysOf(properties(taskSchema, 'loop_control'))],
    ['import_playbook', keysOf(importPlaybookSchema)],
    ...builtinModules().map((module): [KeywordScope, string[]] => [
      `module:${module.name}`,
      keysOf(module.argsSchema as SchemaObject),
    ]),
    ['config', await configKeys()],
    ['cli:play', [...playFlags().keys()]],
    ['cli:init', Object.keys(INIT_PARSE_OPTIONS)],
    ['cli:observe', [...observeFlags().keys()]],
  ];
  return levels.flatMap(([scope, keys]) => keys.map((key): [Scope, string] => [scope, key]));
}

/** The source of the test titled `title` in `file`, up to the next test, or undefined. */
function testBody(file: string, title: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const quoted = [`'${title.replaceAll("'", "\\'")}'`, `"${title}"`, `\`${title}\``];
  const start = quoted
    .map((q) => text.search(new RegExp(`\\b(?:it|test)\\(\\s*${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)))
    .find((index) => index >= 0);
  if (start === undefined) return undefined;
  const next = text.slice(start + 1).search(/\n\s*(?:it|test)\(/);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

/** How a key shows up in a test: as written, in camelCase (the model's name) or as a flag. */
function mentions(body: string, scope: Scope, key: string): boolean {
  const camel = key.replace(/[_-]([a-z])/g, (_m, c: string) => c.toUpperCase());
  const short =
    scope === 'cli:play'
      ? playFlags().get(key)
      : scope === 'cli:observe'
        ? observeFlags().get(key)
        : undefined;
  const cli = scope === 'cli:play' || scope === 'cli:init' || scope === 'cli:observe';
  const forms = cli ? [`--${key}`, ...(short ? [`'${short}`] : [])] : [key, camel];
  return forms.some((form) => body.includes(form));
}

describe('every accepted keyword has an effect a test shows, or is a documented no-op', () => {
  it('no accepted key is left without an effect test or a no-op entry', async () => {
    const noOps = new Set(NO_OP_KEYWORDS.map((entry) => `${entry.scope} ${entry.key}`));
    const missing = (await acceptedKeys())
      .filter(([scope, key]) => !effectOf(scope, key) && !noOps.has(`${scope} ${key}`))
      .map(([scope, key]) => `${scope} ${key}`);
    assert.deepEqual(
      missing,
      [],
      'add a test that shows the effect (and a row in EFFECTS), or refuse the key',
    );
  });

  it('each named effect test exists and mentions its key', async () => {
    const broken: string[] = [];
    for (const [scope, key] of await acceptedKeys()) {
      const effect = effectOf(scope, key);
      if (!effect) continue;
      const body = testBody(...effect);
      if (body === undefined) broken.push(`${scope} ${key}: no test '${effect[1]}' in ${effect[0]}`);
      else if (!mentions(body, scope, key)) broken.push(`${scope} ${key}: '${effect[1]}' never mentions it`);
    }
    assert.deepEqual(broken, []);
  });

  it('the tables name only accepted keys, and nothing is both effective and a no-op', async () => {
    const accepted = new Set((await acceptedKeys()).map(([scope, key]) => `${scope} ${key}`));
    const stale = [...Object.keys(EFFECTS), ...NO_OP_KEYWORDS.map((e) => `${e.scope} ${e.key}`)].filter(
      (entry) => !accepted.has(entry),
    );
    assert.deepEqual(stale, []);
    const both = NO_OP_KEYWORDS.filter((e) => EFFECTS[`${e.scope} ${e.key}`]).map((e) => e.key);
    assert.deepEqual(both, []);
  });

  it('docs/playbook-language.md lists every deliberate no-op with its reason', () => {
    const docs = readFileSync('docs/playbook-language.md', 'utf8');
    const expected = [
      '| Where | Key | Why it does nothing | Warning |',
      '| --- | --- | --- | --- |',
      ...NO_OP_KEYWORDS.map((e) => `| ${e.scope} | \`${e.key}\` | ${e.reason} | ${e.warning ?? '—'} |`),
    ].join('\n');
    assert.ok(docs.includes(expected), `docs/playbook-language.md should contain:\n${expected}`);
  });
});

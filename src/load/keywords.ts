/**
 * The keywords mcsync understands at each level of a playbook, and the Ansible keywords it
 * deliberately refuses (with the reason shown to the user). Kept in one place so the schemas, the
 * did-you-mean suggestions and the docs agree.
 */

/** Keywords valid on every task, block and include. */
export const COMMON_KEYWORDS = [
  'name',
  'when',
  'tags',
  'vars',
  'ignore_errors',
  'run_once',
  'delegate_to',
  'no_log',
  'check_mode',
  'environment',
] as const;

/** Loop keywords on tasks and dynamic includes. */
export const LOOP_KEYWORDS = ['loop', 'with_items', 'with_dict', 'with_subelements', 'with_list'] as const;

/** Keywords valid on a task that calls a module. */
export const TASK_KEYWORDS: readonly string[] = [
  ...COMMON_KEYWORDS,
  ...LOOP_KEYWORDS,
  'loop_control',
  'register',
  'failed_when',
  'changed_when',
  'until',
  'retries',
  'delay',
  'notify',
  'args',
];

/** Keywords valid on a handler: a task's plus `listen`. */
export const HANDLER_KEYWORDS: readonly string[] = [...TASK_KEYWORDS, 'listen'];

/** Keywords valid on a block. */
export const BLOCK_KEYWORDS: readonly string[] = [...COMMON_KEYWORDS, 'block', 'rescue', 'always'];

/** Keys that include or import tasks or roles; they take a task's module position. */
export const INCLUDE_ACTIONS = ['include_tasks', 'import_tasks', 'include_role', 'import_role'] as const;
export type IncludeAction = (typeof INCLUDE_ACTIONS)[number];

/** Keywords valid beside an include or import (loops only on `include_*`). */
export const INCLUDE_KEYWORDS: readonly string[] = [...COMMON_KEYWORDS, ...LOOP_KEYWORDS, 'loop_control'];

/**
 * Keywords an `import_*` passes on to every imported task but an `include_tasks`/`include_role`
 * does not: ansible-playbook 2.14 refuses the first three there ("not a valid attribute for a
 * TaskInclude") and applies the others to the include itself only, never to the included tasks.
 * A user who writes them expects them to reach the included tasks, so mcsync refuses them all.
 */
export const DYNAMIC_INCLUDE_REFUSED: Readonly<Record<string, string>> = {
  environment: 'ansible-playbook refuses it on a dynamic include',
  check_mode: 'ansible-playbook refuses it on a dynamic include',
  delegate_to: 'ansible-playbook refuses it on a dynamic include',
  ignore_errors: 'in Ansible it covers the include itself, not the included tasks',
  no_log: 'in Ansible it covers the include itself, not the included tasks',
  run_once: 'in Ansible it covers the include itself, not the included tasks',
};

/** The message for a keyword refused on `include_tasks`/`include_role`. */
export function dynamicIncludeMessage(keyword: string, action: string): string {
  const imported = action.replace('include_', 'import_');
  return `'${keyword}' is not valid on ${action}: ${DYNAMIC_INCLUDE_REFUSED[keyword] ?? ''}; put it on a block around the ${action}, or use ${imported}, whose keywords apply to every imported task`;
}

/** Keywords valid on a play. */
export const PLAY_KEYWORDS: readonly string[] = [
  'name',
  'hosts',
  'vars',
  'vars_files',
  'roles',
  'pre_tasks',
  'tasks',
  'post_tasks',
  'handlers',
  'serial',
  'any_errors_fatal',
  'max_fail_percentage',
  'gather_facts',
  'tags',
  'check_mode',
  'environment',
];

/**
 * Keys of a `roles:` entry (or meta dependency) besides role parameters; the block keywords apply
 * to every task of the role, as in Ansible.
 */
export const ROLE_ENTRY_KEYWORDS: readonly string[] = [
  'role',
  'name',
  'tags',
  'when',
  'vars',
  'environment',
  'ignore_errors',
  'no_log',
  'check_mode',
  'delegate_to',
  'run_once',
];

/**
 * Keys that Ansible reads as keywords of a role entry, not as role parameters, and mcsync does not
 * support there: refused rather than passed to the role as variables that nothing reads.
 */
export const ROLE_ENTRY_REFUSED: readonly string[] = [
  'any_errors_fatal',
  'become',
  'become_exe',
  'become_flags',
  'become_method',
  'become_user',
  'collections',
  'connection',
  'debugger',
  'delegate_facts',
  'diff',
  'ignore_unreachable',
  'module_defaults',
  'port',
  'remote_user',
  'throttle',
  'timeout',
];

/** Options of `include_role`/`import_role`. */
export const ROLE_INCLUDE_OPTIONS: readonly string[] = ['name', 'tasks_from'];

/**
 * Where a key is accepted: a playbook level, `module:<name>` for a builtin module's argument,
 * `config` for mcsync.yaml, `cli:play` for a flag of mcsync-play.
 */
export type KeywordScope =
  | 'play'
  | 'task'
  | 'handler'
  | 'block'
  | 'include'
  | 'role_entry'
  | 'role_include'
  | 'role_meta'
  | 'loop_control'
  | 'import_playbook'
  | 'config'
  | 'cli:play'
  | `module:${string}`;

/** A key mcsync accepts on purpose and that changes nothing, with the reason. */
export interface NoOpKeyword {
  scope: KeywordScope;
  key: string;
  /** Why accepting it and doing nothing is right (shown in docs/playbook-language.md). */
  reason: string;
  /** What mcsync tells the user when, under Ansible, the value would change what happens. */
  warning?: string;
}

/**
 * The deliberate no-ops: every other key the schemas accept has an effect that a test shows
 * (test/unit/load/keywords-coverage.test.ts keeps both lists honest and the docs table in step).
 */
export const NO_OP_KEYWORDS: readonly NoOpKeyword[] = [
  {
    scope: 'play',
    key: 'gather_facts',
    reason:
      'hosts are cluster APIs, not machines: there are no facts to gather, and mcsync never gathers any',
    warning: '`gather_facts: true` warns at the start of the play that it has no effect',
  },
  {
    scope: 'block',
    key: 'name',
    reason: "labels the block for readers; ansible-playbook prints a block's name nowhere either",
  },
  {
    scope: 'include',
    key: 'name',
    reason:
      "labels the include for readers: mcsync prints no line for an include itself (ansible-playbook prints 'included: FILE' under it)",
  },
  {
    scope: 'role_meta',
    key: 'galaxy_info',
    reason: 'Ansible Galaxy metadata describes the role; it runs nothing in Ansible either',
  },
  {
    scope: 'module:set_fact',
    key: 'cacheable',
    reason:
      'there is no fact cache between runs; facts live for the run, as they do without a cache in Ansible',
  },
  {
    scope: 'module:assert',
    key: 'quiet',
    reason:
      'mcsync always prints an assert result as Ansible does with `quiet: true` (the message only with -v)',
  },
  {
    scope: 'module:pause',
    key: 'echo',
    reason:
      'mcsync never reads the terminal (a prompt without a duration does not wait), so there is no input to echo',
  },
];

/** Ansible keywords mcsync refuses, with the reason users see. */
export const UNSUPPORTED_KEYWORDS: Readonly<Record<string, string>> = {
  become: 'there is no privilege escalation on a cluster API; use a token with the rights needed',
  become_user: 'there is no privilege escalation on a cluster API; use a token with the rights needed',
  become_method: 'there is no privilege escalation on a cluster API',
  become_flags: 'there is no privilege escalation on a cluster API',
  become_exe: 'there is no privilege escalation on a cluster API',
  connection: 'hosts are clusters reached through their API; set api_url/token host variables instead',
  remote_user: 'hosts are clusters reached through their API; there is no remote user',
  port: 'set the port in api_url instead',
  async: 'modules manage their own waiting; use until/retries/delay instead',
  poll: 'modules manage their own waiting; use until/retries/delay instead',
  delegate_facts: 'facts are per host; use set_fact on the host that needs them',
  local_action: 'every module already runs locally against the cluster API; use the module directly',
  action: 'name the module as the task key instead (e.g. `debug:`)',
  strategy: 'only the linear strategy exists',
  throttle: 'use serial or --forks instead',
  timeout: 'modules take their own timeout arguments',
  collections: 'modules are built in; no collections to search',
  module_defaults: 'pass arguments to each task (YAML anchors and merge keys help)',
  vars_prompt: 'pass values with -e instead',
  gather_subset: 'there are no facts to gather on a cluster',
  gather_timeout: 'there are no facts to gather on a cluster',
  fact_path: 'there are no facts to gather on a cluster',
  force_handlers: 'handlers run at the end of the play only for hosts that did not fail',
  order: 'hosts run in inventory order',
  debugger: 'there is no task debugger',
  diff: 'use --diff on the command line',
  any_errors_fatal: 'set any_errors_fatal on the play',
  argument_specs: 'role argument validation is not supported; check role variables with an assert task',
  ignore_unreachable: 'an unreachable cluster always stops that host',
  include: 'use include_tasks (dynamic) or import_tasks (static)',
  include_playbook: 'use import_playbook at the top level of a playbook',
  with_nested: 'use loop with a list built by a template',
  with_together: 'use loop with a list built by a template',
  with_sequence: 'use loop with a list built by a template',
  with_fileglob: 'use loop with a list built by a template',
  with_indexed_items: 'use loop with loop_control.index_var',
  with_first_found: 'use vars_files with a list of alternatives',
};

/** The message for an unsupported keyword. */
export function unsupportedMessage(keyword: string, where: string): string {
  const reason = UNSUPPORTED_KEYWORDS[keyword];
  return `mcsync does not support '${keyword}' in ${where}${reason === undefined ? '' : `: ${reason}`}`;
}

/** Whether a key is one of the refused Ansible keywords (own property only). */
export function isUnsupported(keyword: string): boolean {
  return Object.hasOwn(UNSUPPORTED_KEYWORDS, keyword);
}

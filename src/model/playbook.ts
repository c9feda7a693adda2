/**
 * The validated playbook model: what the loader produces and the engine runs. Strings in here are
 * still raw templates; the engine renders them late, per host, with that host's variables.
 */
import type { SourceLocation } from '../errors.ts';
import type { Vars } from './vars.ts';

/** A condition as written: a template string or a literal boolean. Lists mean "all must hold". */
export type Condition = string | boolean;

export interface LoopSpec {
  /** `loop:`/`with_items:`/`with_dict:`/`with_subelements:` as written (may be a template). */
  kind: 'loop' | 'with_items' | 'with_dict' | 'with_subelements';
  items: unknown;
  loopVar: string;
  /** Template for the label shown instead of the whole item. */
  label?: string;
  indexVar?: string;
  pause?: number;
}

/**
 * One level's `environment:` as written: a mapping of variable names to values, or a template
 * that renders to one. A level may give a list of them (Ansible's attribute is a list); the engine
 * renders them per host, late, and merges them in order.
 */
export type EnvironmentLayer = Vars | string;

/** Keywords shared by tasks and blocks. */
export interface TaskCommon {
  name?: string;
  when: Condition[];
  tags: string[];
  vars: Vars;
  ignoreErrors?: Condition;
  runOnce?: boolean;
  delegateTo?: string;
  noLog?: Condition;
  checkMode?: Condition;
  /** `environment:` of this level (inner levels override outer keys; see src/engine/environment.ts). */
  environment?: EnvironmentLayer[];
  /** Where the task starts in its file. */
  location: SourceLocation;
  /** The role the task belongs to, when it came from one. */
  role?: RoleScope;
}

/** A task that calls one module. */
export interface Task extends TaskCommon {
  kind: 'task';
  module: string;
  /** Module arguments as written (free-form strings become `{ _raw_params }`). */
  args: Vars;
  loop?: LoopSpec;
  register?: string;
  failedWhen?: Condition[];
  changedWhen?: Condition[];
  until?: Condition[];
  retries?: number;
  delay?: number;
  notify: string[];
}

export interface Block extends TaskCommon {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
  /**
   * Set when the block is an expanded include or import: the include's `vars`, which Ansible
   * layers as "include params", above role params and below extra vars.
   */
  includeParams?: Vars;
}

/**
 * `include_tasks`/`include_role` whose target is only known at run time (a templated file name).
 * Static includes and every import are expanded by the loader into Blocks.
 */
export interface DynamicInclude extends TaskCommon {
  kind: 'include';
  include: 'tasks' | 'role';
  /** Template of the file (tasks) or role name (role). */
  target: string;
  /** Role params / include vars. */
  params: Vars;
  loop?: LoopSpec;
  /** Directory that relative task files resolve against. */
  baseDir: string;
}

export type TaskNode = Task | Block | DynamicInclude;

/** The variables a role brings; the engine layers them at their precedence levels. */
export interface RoleScope {
  name: string;
  path: string;
  defaults: Vars;
  vars: Vars;
  params: Vars;
  /**
   * `environment:` of the `roles:` entries (or meta dependencies) that brought the role in,
   * outermost first. Tasks get it through their role Block; handlers, run outside it, from here.
   */
  environment?: EnvironmentLayer[];
}

export interface Handler extends Task {
  /** The names it answers to: its name plus any `listen:` topics. */
  listen: string[];
}

export interface VarsFileRef {
  /** Path as written (may be a template, or a list of alternatives: first that exists wins). */
  paths: string[];
  location: SourceLocation;
  /** Loaded at load time when the path is literal. */
  loaded?: Vars;
  /** Absolute path of the loaded file. */
  resolved?: string;
}

export interface Play {
  name: string;
  hosts: string;
  vars: Vars;
  varsFiles: VarsFileRef[];
  /** Role tasks come first, as in Ansible: pre_tasks, handlers flush, roles, tasks, post_tasks. */
  preTasks: TaskNode[];
  roles: Block[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: Handler[];
  serial?: number | string;
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  gatherFacts: boolean;
  tags: string[];
  checkMode?: boolean;
  /** The play's `environment:`, the outermost layer of every task's and handler's environment. */
  environment: EnvironmentLayer[];
  location: SourceLocation;
  /** Directory of the playbook file this play came from (for relative paths). */
  baseDir: string;
}

export interface Playbook {
  file: string;
  /** `import_playbook` entries are expanded in place. */
  plays: Play[];
}

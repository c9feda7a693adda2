/**
 * What the engine needs from the other stages, as small interfaces. The CLI wires the real
 * template, inventory, loader and module implementations in one place; tests may pass their own.
 */
import type { SourceLocation } from '../errors.ts';
import type { ModuleRegistry, ModuleServices } from '../model/module.ts';
import type { EventSink } from '../model/events.ts';
import type { Block, Condition, RoleScope, TaskNode } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';

export interface RenderWhere {
  task?: string;
  location?: SourceLocation;
  baseDir?: string;
}

export interface TemplatePort {
  render(value: unknown, vars: Vars, where: RenderWhere): unknown;
  condition(cond: Condition | Condition[], vars: Vars, where: RenderWhere): boolean;
  isTemplate(value: unknown): boolean;
}

export interface InventoryPort {
  hostNames(): string[];
  groupHosts(group: string): string[];
  hostVars(host: string): Vars;
  hasHost(host: string): boolean;
  selectHosts(pattern: string): string[];
  /** A play's pattern: the hosts, and the terms that matched nothing (warned about). */
  evaluatePattern(pattern: string): { hosts: string[]; unmatched: string[] };
  /** Evaluates `--limit` terms together as one pattern (Ansible's subset). */
  selectTerms(terms: readonly string[]): { hosts: string[]; unmatched: string[] };
}

/** Loads what a play can only know at run time: templated vars_files and dynamic includes. */
export interface LoaderPort {
  loadVarsFile(file: string): Promise<Vars>;
  loadTasksFile(file: string, role?: RoleScope): Promise<TaskNode[]>;
  loadRole(name: string, params: Vars, fromDir: string, location: SourceLocation): Promise<Block>;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  extraVars: Vars;
  /** The --limit pattern's terms (split as Ansible splits it, @file expanded); [] for no limit. */
  limit: string[];
  tags: string[];
  skipTags: string[];
  startAtTask?: string;
}

export interface EngineDeps {
  templates: TemplatePort;
  inventory: InventoryPort;
  loader: LoaderPort;
  modules: ModuleRegistry;
  services: ModuleServices;
  sink: EventSink;
  /** Aborted on SIGINT: no new task starts, in-flight calls finish. */
  interrupt: AbortSignal;
}

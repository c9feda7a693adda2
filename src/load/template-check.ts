/**
 * The load-time template pass: every string the engine will render or evaluate (task arguments,
 * conditions, loops, names, vars, include targets, play keywords) is compiled here, and Jinja2
 * spellings are reported with their Handlebars form. A playbook written for Ansible is refused
 * before its first task runs, instead of failing half-way through after clusters have changed.
 *
 * Errors are collected in the run like every other load error: `file:line:col: key: message`,
 * positioned on the offending value. Mapping keys are never rendered, so they are not checked.
 */
import type { ModuleDefinition } from '../model/module.ts';
import { templateProblem } from '../template/index.ts';
import { isPlainObject } from '../template/values.ts';
import { BLOCK_KEYWORDS, HANDLER_KEYWORDS, INCLUDE_ACTIONS, LOOP_KEYWORDS } from './keywords.ts';
import { isMapping, report } from './load-context.ts';
import type { LoadRun } from './load-context.ts';
import { resolveModule } from './module-args.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';

type Kind = 'template' | 'condition';

/** Where the strings being checked live. */
interface Site {
  run: LoadRun;
  source: YamlSource;
}

/** Keywords of tasks, blocks and includes that hold conditions (`Condition` in the model). */
const CONDITION_KEYWORDS: readonly string[] = [
  'when',
  'changed_when',
  'failed_when',
  'until',
  'ignore_errors',
  'no_log',
  'check_mode',
];

/** Keywords of tasks, blocks and includes whose strings are rendered (at any depth). */
const TEMPLATE_KEYWORDS: readonly string[] = ['name', 'vars', 'environment', 'delegate_to', ...LOOP_KEYWORDS];

/** Play keywords whose strings are templates. */
const PLAY_TEMPLATE_KEYWORDS: readonly string[] = ['name', 'hosts', 'vars', 'environment', 'vars_files'];

/** Keys of a role entry that are not role parameters (parameters are rendered like vars). */
const ROLE_ENTRY_NAMES: readonly string[] = ['role', 'name', 'tags'];

/** `key[1]` for list items, `key.sub` for mapping entries: how the error names the value. */
function childKey(key: string, child: string | number): string {
  return typeof child === 'number' ? `${key}[${child}]` : `${key}.${child}`;
}

/** Checks every string under `value`; booleans and numbers are never templates. */
function checkTree(site: Site, path: YamlPath, key: string, value: unknown, kind: Kind): void {
  if (typeof value === 'string') {
    const problem = templateProblem(value, { condition: kind === 'condition' });
    if (problem !== undefined) report(site.run, site.source, path, `${key}: ${problem}`, key);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkTree(site, [...path, index], childKey(key, index), item, kind));
  } else if (isPlainObject(value)) {
    for (const [name, item] of Object.entries(value)) {
      checkTree(site, [...path, name], childKey(key, name), item, kind);
    }
  }
}

/** Module arguments: a free-form string, or a mapping whose condition arguments are conditions. */
function checkArgs(
  site: Site,
  path: YamlPath,
  key: string,
  value: unknown,
  conditions: readonly string[],
): void {
  if (!isMapping(value)) {
    checkTree(site, path, key, value, 'template');
    return;
  }
  for (const [name, item] of Object.entries(value)) {
    const kind = conditions.includes(name) ? 'condition' : 'template';
    checkTree(site, [...path, name], childKey(key, name), item, kind);
  }
}

function isInclude(key: string): boolean {
  return INCLUDE_ACTIONS.some((action) => key === action || key === `ansible.builtin.${action}`);
}

/** The module a task mapping calls, and its key (undefined for blocks and includes). */
function moduleOf(
  run: LoadRun,
  raw: Record<string, unknown>,
): { key: string; module: ModuleDefinition } | undefined {
  for (const key of Object.keys(raw)) {
    if (HANDLER_KEYWORDS.includes(key) || BLOCK_KEYWORDS.includes(key) || isInclude(key)) continue;
    const module = resolveModule(run.options.modules, key);
    if (module) return { key, module };
  }
  return undefined;
}

/** A check of the mapping `raw` at `path` of `source` (a task or a play), reporting into `run`. */
type MappingCheck = (run: LoadRun, source: YamlSource, raw: Record<string, unknown>, path: YamlPath) => void;

/**
 * Checks one task, handler, block or include mapping at `path`: its keywords, module arguments
 * and include target. Nested task lists (`block`, `rescue`, `always`) are checked as their own
 * entries are converted, and `register`, `tags`, `notify` and `listen` are names, not templates.
 */
export const checkTaskTemplates: MappingCheck = (run, source, raw, path) => {
  const site: Site = { run, source };
  const called = moduleOf(run, raw);
  const conditions = called?.module.conditionArgs ?? [];
  for (const [key, value] of Object.entries(raw)) {
    const at = [...path, key];
    if (CONDITION_KEYWORDS.includes(key)) checkTree(site, at, key, value, 'condition');
    else if (TEMPLATE_KEYWORDS.includes(key) || isInclude(key)) checkTree(site, at, key, value, 'template');
    else if (key === 'loop_control' && isMapping(value) && value['label'] !== undefined)
      checkTree(site, [...at, 'label'], 'loop_control.label', value['label'], 'template');
    else if (key === 'args' || key === called?.key) checkArgs(site, at, key, value, conditions);
  }
};

/** Checks a play's own templated keywords and its `roles:` entries (tasks are checked as loaded). */
export const checkPlayTemplates: MappingCheck = (run, source, raw, path) => {
  const site: Site = { run, source };
  for (const key of PLAY_TEMPLATE_KEYWORDS) {
    if (raw[key] !== undefined) checkTree(site, [...path, key], key, raw[key], 'template');
  }
  const roles = raw['roles'];
  if (!Array.isArray(roles)) return;
  roles.forEach((entry, index) => checkRoleEntryTemplates(run, source, entry, [...path, 'roles', index]));
};

/** Checks a `roles:` entry or a meta dependency: its conditions (`when`…), parameters and vars. */
export function checkRoleEntryTemplates(
  run: LoadRun,
  source: YamlSource,
  entry: unknown,
  path: YamlPath,
): void {
  if (!isMapping(entry)) return;
  const site: Site = { run, source };
  for (const [key, value] of Object.entries(entry)) {
    if (ROLE_ENTRY_NAMES.includes(key)) continue;
    checkTree(site, [...path, key], key, value, CONDITION_KEYWORDS.includes(key) ? 'condition' : 'template');
  }
}

/** Checks every value of a vars mapping (role defaults and vars): each is rendered when read. */
export function checkVarsTemplates(
  run: LoadRun,
  source: YamlSource,
  value: unknown,
  path: YamlPath = [],
): void {
  if (!isMapping(value)) return;
  const site: Site = { run, source };
  for (const [key, item] of Object.entries(value)) checkTree(site, [...path, key], key, item, 'template');
}

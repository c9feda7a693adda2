/**
 * Conversions of keyword values (already type-checked by the schemas) into the model's shapes:
 * conditions become lists, tags are split, loops become a LoopSpec.
 */
import type { Condition, EnvironmentLayer, LoopSpec, TaskCommon } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { YamlPath } from '../shared/yaml-source.ts';
import { isMapping, isTemplated, reportKey } from './load-context.ts';
import type { TaskScope } from './load-context.ts';
import { LOOP_KEYWORDS } from './keywords.ts';

/** `when: x` and `when: [x, y]` both become a list of conditions (all must hold). */
export function toConditions(value: unknown): Condition[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is Condition => typeof item === 'string' || typeof item === 'boolean');
}

/** Tags as strings: `"a, b"` splits on commas, numbers become strings. */
export function toTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.flatMap((item) =>
    String(item)
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
  );
}

/** A string or a list of strings as a list. */
export function toStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Copies a mapping (or nothing) as Vars. */
export function toVars(vars: unknown): Vars {
  return isMapping(vars) ? { ...vars } : {};
}

/**
 * `environment:` as a list of layers (a mapping or a template, or a list of them, as Ansible
 * allows). The schema checked the types; a string that is not a template can never render to a
 * mapping, so it is reported here (Ansible only warns and drops it). Undefined when absent.
 */
export function toEnvironment(
  scope: Pick<TaskScope, 'run' | 'source'>,
  value: unknown,
  path: YamlPath,
): EnvironmentLayer[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const layers: EnvironmentLayer[] = [];
  for (const [index, item] of list.entries()) {
    if (isMapping(item)) layers.push({ ...item });
    else if (typeof item === 'string' && isTemplated(item)) layers.push(item);
    else if (item !== null) {
      const at = Array.isArray(value) ? [...path, 'environment', index] : [...path, 'environment'];
      const message = `environment must be a mapping of variable names to values, or a template that renders to one; got ${JSON.stringify(item)}`;
      reportKey(scope.run, scope.source, at, message, 'environment');
    }
  }
  return layers;
}

/** The keywords every task, block and include share. */
export function toCommon(scope: TaskScope, raw: Record<string, unknown>, path: YamlPath): TaskCommon {
  const common: TaskCommon = {
    when: toConditions(raw['when']),
    tags: toTags(raw['tags']),
    vars: toVars(raw['vars']),
    location: scope.source.locate(path),
  };
  const environment = toEnvironment(scope, raw['environment'], path);
  if (environment !== undefined) common.environment = environment;
  if (typeof raw['name'] === 'string') common.name = raw['name'];
  if (raw['ignore_errors'] !== undefined) common.ignoreErrors = raw['ignore_errors'] as Condition;
  if (raw['run_once'] !== undefined) common.runOnce = raw['run_once'] === true;
  if (typeof raw['delegate_to'] === 'string') common.delegateTo = raw['delegate_to'];
  if (raw['no_log'] !== undefined) common.noLog = raw['no_log'] as Condition;
  if (raw['check_mode'] !== undefined) common.checkMode = raw['check_mode'] as Condition;
  if (scope.role) common.role = scope.role;
  return common;
}

/** The keywords a block, role entry or import passes on to every task inside that does not set its own. */
export type BlockKeywords = Pick<
  TaskCommon,
  'environment' | 'ignoreErrors' | 'noLog' | 'checkMode' | 'delegateTo' | 'runOnce'
>;

/** The block keywords that `common` sets (undefined ones left out, so spreading them overrides nothing). */
export function blockKeywords(common: TaskCommon): BlockKeywords {
  const { environment, ignoreErrors, noLog, checkMode, delegateTo, runOnce } = common;
  const all: BlockKeywords = { environment, ignoreErrors, noLog, checkMode, delegateTo, runOnce };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as BlockKeywords;
}

/**
 * The loop of a task: at most one of `loop`/`with_*`. `with_list` is `loop` under another name.
 * Reports an error and returns null when the loop keywords conflict.
 */
export function toLoop(
  scope: TaskScope,
  raw: Record<string, unknown>,
  path: YamlPath,
): LoopSpec | undefined | null {
  const present = LOOP_KEYWORDS.filter((key) => raw[key] !== undefined);
  const control = isMapping(raw['loop_control']) ? raw['loop_control'] : undefined;
  if (present.length > 1) {
    const [first, second] = present as [string, string];
    const message = `'${first}' and '${second}' cannot be used together in one task; use '${first === 'loop' ? 'loop' : second}' alone`;
    reportKey(scope.run, scope.source, [...path, second], message, second);
    return null;
  }
  const kind = present[0];
  if (kind === undefined) {
    if (raw['loop_control'] !== undefined) {
      reportKey(
        scope.run,
        scope.source,
        [...path, 'loop_control'],
        "'loop_control' needs a loop ('loop' or 'with_*')",
        'loop_control',
      );
      return null;
    }
    return undefined;
  }
  const spec: LoopSpec = {
    kind: kind === 'with_list' ? 'loop' : kind,
    items: raw[kind],
    loopVar: typeof control?.['loop_var'] === 'string' ? control['loop_var'] : 'item',
  };
  if (typeof control?.['label'] === 'string') spec.label = control['label'];
  if (typeof control?.['index_var'] === 'string') spec.indexVar = control['index_var'];
  if (typeof control?.['pause'] === 'number') spec.pause = control['pause'];
  return spec;
}

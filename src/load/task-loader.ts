/**
 * Converts a list of task mappings into TaskNodes: blocks, module tasks, handlers, and (through
 * includes.ts) includes and imports. Errors are collected in the run; a task with an error is left
 * out and the rest of the list is still checked.
 */
import type { Block, Handler, Task, TaskNode } from '../model/playbook.ts';
import type { ModuleDefinition } from '../model/module.ts';
import { editDistance } from '../shared/did-you-mean.ts';
import { typeOf } from './friendly-errors.ts';
import { convertInclude } from './includes.ts';
import {
  BLOCK_KEYWORDS,
  DYNAMIC_INCLUDE_REFUSED,
  HANDLER_KEYWORDS,
  INCLUDE_ACTIONS,
  INCLUDE_KEYWORDS,
  LOOP_KEYWORDS,
  TASK_KEYWORDS,
  dynamicIncludeMessage,
  isUnsupported,
  unsupportedMessage,
} from './keywords.ts';
import type { IncludeAction } from './keywords.ts';
import { isMapping, report, reportKey } from './load-context.ts';
import type { TaskScope } from './load-context.ts';
import { moduleArgs, resolveModule } from './module-args.ts';
import { toCommon, toConditions, toLoop, toStrings } from './task-fields.ts';
import { checkTaskTemplates } from './template-check.ts';
import { validateAs } from './validate.ts';
import type { YamlPath } from '../shared/yaml-source.ts';

/** Converts the task list at `path` (null means empty; other non-lists are reported by schemas). */
export async function convertTaskList(scope: TaskScope, value: unknown, path: YamlPath): Promise<TaskNode[]> {
  if (!Array.isArray(value)) return [];
  const nodes: TaskNode[] = [];
  for (const [index, item] of value.entries()) {
    const node = await convertEntry(scope, item, [...path, index]);
    if (isMapping(item)) checkTaskTemplates(scope.run, scope.source, item, [...path, index]);
    if (node) nodes.push(node);
  }
  return nodes;
}

/** Converts a handlers list: module tasks only, each answering to its name and `listen` topics. */
export async function convertHandlers(scope: TaskScope, value: unknown, path: YamlPath): Promise<Handler[]> {
  const nodes = await convertTaskList({ ...scope, handlers: true }, value, path);
  return nodes.filter((node): node is Handler => node.kind === 'task' && 'listen' in node);
}

type Action =
  | { kind: 'module'; key: string; module: ModuleDefinition }
  | { kind: 'include'; key: string; action: IncludeAction };

async function convertEntry(scope: TaskScope, raw: unknown, path: YamlPath): Promise<TaskNode | undefined> {
  const what = scope.handlers ? 'handler' : 'task';
  if (!isMapping(raw)) {
    const shown = typeof raw === 'string' ? ` '${raw}'` : '';
    const message =
      raw === null
        ? `${what} is empty; expected a mapping with a module and keywords`
        : `${what} must be a mapping, got ${typeOf(raw)}${shown}`;
    report(scope.run, scope.source, path, message);
    return undefined;
  }
  if ('block' in raw) return convertBlock(scope, raw, path);
  const before = scope.run.errors.length;
  for (const key of ['rescue', 'always'].filter((k) => k in raw)) {
    reportKey(scope.run, scope.source, [...path, key], `'${key}' needs a 'block' in the same mapping`, key);
  }
  const actions = classifyKeys(scope, raw, path);
  const include = actions.find((a) => a.kind === 'include');
  const kind = include ? 'include' : scope.handlers ? 'handler' : 'task';
  const keywords = scope.handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  scope.run.errors.push(
    ...validateAs(kind, raw, { source: scope.source, path, noun: what, candidates: keywords }),
  );
  if (scope.run.errors.length > before) return undefined;
  if (actions.length > 1) {
    const [first, second] = actions as [Action, Action];
    const message = `${what} has two modules, '${first.key}' and '${second.key}'; a task calls exactly one (split it into two tasks)`;
    reportKey(scope.run, scope.source, [...path, second.key], message, second.key);
    return undefined;
  }
  const action = actions[0];
  if (action === undefined) {
    const names = scope.run.options.modules.names().sort().join(', ');
    report(scope.run, scope.source, path, `${what} has no module; expected one of: ${names}`);
    return undefined;
  }
  if (action.kind === 'include') return convertInclude(scope, raw, path, action.action, action.key);
  return convertTask(scope, raw, path, action);
}

/** Sorts the keys that are not keywords into modules and includes; reports the rest. */
function classifyKeys(scope: TaskScope, raw: Record<string, unknown>, path: YamlPath): Action[] {
  const keywords = scope.handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  const actions: Action[] = [];
  for (const key of Object.keys(raw)) {
    if (keywords.includes(key) || key === 'rescue' || key === 'always') continue;
    const include = INCLUDE_ACTIONS.find((a) => a === key || `ansible.builtin.${a}` === key);
    const module = include ? undefined : resolveModule(scope.run.options.modules, key);
    if (include) actions.push({ kind: 'include', key, action: include });
    else if (module) actions.push({ kind: 'module', key, module });
    else reportKey(scope.run, scope.source, [...path, key], unknownKeyMessage(scope, key), key);
  }
  const include = actions.find((a) => a.kind === 'include');
  if (include) {
    for (const key of Object.keys(raw).filter((k) => keywords.includes(k) && !INCLUDE_KEYWORDS.includes(k))) {
      reportKey(scope.run, scope.source, [...path, key], `'${key}' is not valid on ${include.key}`, key);
    }
    if (include.action.startsWith('include_')) {
      for (const key of Object.keys(raw).filter((k) => Object.hasOwn(DYNAMIC_INCLUDE_REFUSED, k))) {
        reportKey(scope.run, scope.source, [...path, key], dynamicIncludeMessage(key, include.action), key);
      }
    }
  }
  return actions;
}

function unknownKeyMessage(scope: TaskScope, key: string): string {
  const what = scope.handlers ? 'handler' : 'task';
  if (key === 'listen') return "'listen' is only valid in handlers";
  if (key === 'import_playbook')
    return "'import_playbook' is only valid at the top level of a playbook, not in a task list";
  if (isUnsupported(key)) return unsupportedMessage(key, `a ${what}`);
  const keywords = [...(scope.handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS), ...INCLUDE_ACTIONS, 'block'];
  const keyword = closest(key, keywords);
  const module = closest(key, scope.run.options.modules.names());
  if (keyword && (!module || keyword.distance <= module.distance)) {
    return `unknown keyword '${key}' in ${what}; did you mean '${keyword.name}'?`;
  }
  return `unknown module or keyword '${key}'${module ? ` (did you mean '${module.name}'?)` : ''}`;
}

function closest(
  word: string,
  candidates: readonly string[],
): { name: string; distance: number } | undefined {
  const limit = word.length <= 3 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best;
}

function convertTask(
  scope: TaskScope,
  raw: Record<string, unknown>,
  path: YamlPath,
  action: Action & { kind: 'module' },
): Task | Handler | undefined {
  const args = moduleArgs(scope, action.module, raw, path, action.key);
  const loop = toLoop(scope, raw, path);
  if (args === undefined || loop === null) return undefined;
  const task: Task = {
    ...toCommon(scope, raw, path),
    kind: 'task',
    module: action.module.name,
    args,
    notify: toStrings(raw['notify']),
  };
  if (loop) task.loop = loop;
  if (typeof raw['register'] === 'string') task.register = raw['register'];
  if (raw['failed_when'] !== undefined) task.failedWhen = toConditions(raw['failed_when']);
  if (raw['changed_when'] !== undefined) task.changedWhen = toConditions(raw['changed_when']);
  if (raw['until'] !== undefined) task.until = toConditions(raw['until']);
  if (typeof raw['retries'] === 'number') task.retries = raw['retries'];
  if (typeof raw['delay'] === 'number') task.delay = raw['delay'];
  if (!scope.handlers) return task;
  const listen = [...(task.name === undefined ? [] : [task.name]), ...toStrings(raw['listen'])];
  if (listen.length === 0) {
    report(scope.run, scope.source, path, "handler needs a 'name' or 'listen' so that tasks can notify it");
    return undefined;
  }
  return { ...task, listen };
}

async function convertBlock(
  scope: TaskScope,
  raw: Record<string, unknown>,
  path: YamlPath,
): Promise<Block | undefined> {
  const before = scope.run.errors.length;
  if (scope.handlers) {
    report(
      scope.run,
      scope.source,
      path,
      'handlers must be single tasks; blocks are not supported in handlers',
      'block',
    );
    return undefined;
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (BLOCK_KEYWORDS.includes(key)) rest[key] = value;
    else if ((LOOP_KEYWORDS as readonly string[]).includes(key) || key === 'loop_control') {
      reportKey(
        scope.run,
        scope.source,
        [...path, key],
        `a block cannot loop ('${key}'); loop over include_tasks instead`,
        key,
      );
    } else if (
      resolveModule(scope.run.options.modules, key) ||
      (INCLUDE_ACTIONS as readonly string[]).includes(key)
    ) {
      const message = `a block cannot call a module ('${key}'); put the task in the list under 'block:'`;
      reportKey(scope.run, scope.source, [...path, key], message, key);
    } else rest[key] = value;
  }
  scope.run.errors.push(
    ...validateAs('block', rest, { source: scope.source, path, noun: 'block', candidates: BLOCK_KEYWORDS }),
  );
  const block = await convertTaskList(scope, raw['block'], [...path, 'block']);
  const rescue = await convertTaskList(scope, raw['rescue'], [...path, 'rescue']);
  const always = await convertTaskList(scope, raw['always'], [...path, 'always']);
  if (scope.run.errors.length > before) return undefined;
  return { ...toCommon(scope, raw, path), kind: 'block', block, rescue, always };
}

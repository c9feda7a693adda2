/**
 * `include_tasks`/`import_tasks`/`include_role`/`import_role`. A literal target is expanded at
 * load time into a Block (the include's name, when, tags and vars apply to it); a templated
 * target, or an `include_*` with a loop, becomes a DynamicInclude the engine resolves per host.
 */
import { firstExisting } from '../shared/files.ts';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { Block, DynamicInclude, LoopSpec, TaskCommon, TaskNode } from '../model/playbook.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import { typeOf } from './friendly-errors.ts';
import { ROLE_INCLUDE_OPTIONS, isUnsupported, unsupportedMessage } from './keywords.ts';
import type { IncludeAction } from './keywords.ts';
import { isMapping, isTemplated, report, reportKey } from './load-context.ts';
import type { TaskScope } from './load-context.ts';
import { roleBlock } from './roles.ts';
import { blockKeywords, toCommon, toLoop } from './task-fields.ts';
import { convertTaskList } from './task-loader.ts';
import { validateAs } from './validate.ts';
import { readYamlFile as readYaml } from '../shared/yaml-source.ts';
import type { YamlPath } from '../shared/yaml-source.ts';

interface Target {
  name: string;
  tasksFrom?: string;
}

/** Converts one include/import task (already checked for unknown keys) into a TaskNode. */
export async function convertInclude(
  scope: TaskScope,
  raw: Record<string, unknown>,
  path: YamlPath,
  action: IncludeAction,
  key: string,
): Promise<TaskNode | undefined> {
  const checked = checkInclude(scope, raw, path, action, key);
  if (checked === undefined) return undefined;
  const { target, loop } = checked;
  const common = toCommon(scope, raw, path);
  if (loop || isTemplated(target.name)) {
    const literal = !isTemplated(target.name);
    if (literal && !(await literalTargetExists(scope, action, target.name, [...path, key]))) return undefined;
    return dynamicInclude(scope, common, [...path, key], action, target, loop);
  }
  if (action.endsWith('_role')) {
    const request = {
      name: target.name,
      params: common.vars,
      location: common.location,
      key,
      dedupe: false,
      ...(common.environment ? { environment: common.environment } : {}),
    };
    const block = await roleBlock(
      scope,
      target.tasksFrom === undefined ? request : { ...request, tasksFrom: target.tasksFrom },
    );
    return (
      block && {
        ...block,
        ...blockKeywords(common),
        name: common.name,
        when: common.when,
        tags: common.tags,
        vars: {},
        ...includeParamsOf(action, common),
      }
    );
  }
  return expandTasksFile(scope, target.name, path, key, common, action);
}

/** The include's target and loop, after the checks that only apply to includes and imports. */
function checkInclude(
  scope: TaskScope,
  raw: Record<string, unknown>,
  path: YamlPath,
  action: IncludeAction,
  key: string,
): { target: Target; loop: LoopSpec | undefined } | undefined {
  const at: YamlPath = [...path, key];
  if (scope.handlers) {
    report(
      scope.run,
      scope.source,
      at,
      `handlers cannot use ${action}; list the handler tasks directly`,
      key,
    );
    return undefined;
  }
  const isRole = action.endsWith('_role');
  const target = isRole ? roleTarget(scope, raw[key], at, key) : tasksTarget(scope, raw[key], at, key);
  const loop = toLoop(scope, raw, path);
  if (target === undefined || loop === null) return undefined;
  const dynamicForm = `include_${isRole ? 'role' : 'tasks'}`;
  if (action.startsWith('import_') && loop) {
    const message = `${action} is expanded at load time and cannot loop; use ${dynamicForm} instead`;
    reportKey(scope.run, scope.source, at, message, key);
    return undefined;
  }
  if (action.startsWith('import_') && isTemplated(target.name)) {
    const message = `${action} needs a literal ${isRole ? 'role name' : 'file name'}; use ${dynamicForm} for a templated one`;
    report(scope.run, scope.source, at, message, key);
    return undefined;
  }
  return { target, loop };
}

/** An include resolved per host at run time: vars of a role include become role params. */
function dynamicInclude(
  scope: TaskScope,
  common: TaskCommon,
  at: YamlPath,
  action: IncludeAction,
  target: Target,
  loop: LoopSpec | undefined,
): DynamicInclude | undefined {
  if (target.tasksFrom !== undefined) {
    const message = `${action} with tasks_from needs a literal role name and no loop (not supported yet)`;
    report(scope.run, scope.source, at, message, action);
    return undefined;
  }
  const isRole = action.endsWith('_role');
  const dynamic: DynamicInclude = {
    ...common,
    vars: isRole ? {} : common.vars,
    kind: 'include',
    include: isRole ? 'role' : 'tasks',
    target: target.name,
    params: isRole ? common.vars : {},
    baseDir: scope.role ? join(scope.role.path, 'tasks') : scope.dir,
  };
  if (loop) dynamic.loop = loop;
  return dynamic;
}

function tasksTarget(scope: TaskScope, value: unknown, path: YamlPath, key: string): Target | undefined {
  if (typeof value === 'string' && value.trim() !== '') return { name: value.trim() };
  if (isMapping(value) && typeof value['file'] === 'string') {
    const extra = Object.keys(value).filter((k) => k !== 'file');
    for (const option of extra) {
      const message =
        isUnsupported(option) || option === 'apply'
          ? unsupportedMessage(option, key)
          : `unknown option '${option}' of ${key}${didYouMean(option, ['file'])}`;
      reportKey(scope.run, scope.source, [...path, option], message, `${key}.${option}`);
    }
    return extra.length === 0 ? { name: value['file'] } : undefined;
  }
  report(
    scope.run,
    scope.source,
    path,
    `${key} needs a file name (a string, or a mapping with 'file'), got ${typeOf(value)}`,
    key,
  );
  return undefined;
}

function roleTarget(scope: TaskScope, value: unknown, path: YamlPath, key: string): Target | undefined {
  if (typeof value === 'string' && value.trim() !== '') return { name: value.trim() };
  if (!isMapping(value) || typeof value['name'] !== 'string') {
    report(
      scope.run,
      scope.source,
      path,
      `${key} needs a mapping with the role 'name', got ${typeOf(value)}`,
      key,
    );
    return undefined;
  }
  let ok = true;
  for (const option of Object.keys(value).filter((k) => !ROLE_INCLUDE_OPTIONS.includes(k))) {
    const known = [
      'vars_from',
      'defaults_from',
      'handlers_from',
      'public',
      'allow_duplicates',
      'apply',
      'rolespec_validate',
    ];
    const message = known.includes(option)
      ? unsupportedMessage(option, key)
      : `unknown option '${option}' of ${key}${didYouMean(option, ROLE_INCLUDE_OPTIONS)}`;
    reportKey(scope.run, scope.source, [...path, option], message, `${key}.${option}`);
    ok = false;
  }
  const tasksFrom = value['tasks_from'];
  if (tasksFrom !== undefined && typeof tasksFrom !== 'string') {
    report(
      scope.run,
      scope.source,
      [...path, 'tasks_from'],
      `'${key}.tasks_from' must be a string, got ${typeOf(tasksFrom)}`,
      `${key}.tasks_from`,
    );
    ok = false;
  }
  if (!ok) return undefined;
  return typeof tasksFrom === 'string' ? { name: value['name'], tasksFrom } : { name: value['name'] };
}

async function expandTasksFile(
  scope: TaskScope,
  file: string,
  path: YamlPath,
  key: string,
  common: TaskCommon,
  action: IncludeAction,
): Promise<Block | undefined> {
  const candidates = tasksFileCandidates(scope, file);
  const found = await firstExisting(candidates);
  if (found === undefined) {
    report(
      scope.run,
      scope.source,
      [...path, key],
      `${key} file '${file}' not found; looked in: ${candidates.join(', ')}`,
      key,
    );
    return undefined;
  }
  const tasks = await loadTaskFileInto(scope, found, common.location, key);
  return (
    tasks && {
      ...common,
      kind: 'block',
      block: tasks,
      rescue: [],
      always: [],
      ...includeParamsOf(action, common),
    }
  );
}

/**
 * The `vars` of an `include_*` are Ansible's "include params" (above role params); those of an
 * `import_*` are not: ansible-playbook 2.14 lets a role param beat an import_tasks var.
 */
function includeParamsOf(action: IncludeAction, common: TaskCommon): Pick<Block, 'includeParams'> {
  return action.startsWith('include_') ? { includeParams: common.vars } : {};
}

/** Checks at load time that a looped include with a literal target points at something real. */
async function literalTargetExists(
  scope: TaskScope,
  action: IncludeAction,
  name: string,
  at: YamlPath,
): Promise<boolean> {
  if (action !== 'include_tasks') return true;
  const candidates = tasksFileCandidates(scope, name);
  if ((await firstExisting(candidates)) !== undefined) return true;
  const message = `${action} file '${name}' not found; looked in: ${candidates.join(', ')}`;
  report(scope.run, scope.source, at, message, action);
  return false;
}

/** Where a relative tasks file is looked for: the role's tasks/ first, then the including file's dir. */
function tasksFileCandidates(scope: TaskScope, file: string): string[] {
  if (isAbsolute(file)) return [file];
  const dirs = scope.role ? [join(scope.role.path, 'tasks'), scope.dir] : [scope.dir];
  return [...new Set(dirs.map((dir) => join(dir, file)))];
}

/**
 * Reads a tasks file and converts its tasks in a scope for that file (same role and play).
 * Reports a cycle when the file is already being expanded.
 */
export async function loadTaskFileInto(
  scope: TaskScope,
  file: string,
  at: SourceLocation,
  key: string,
): Promise<TaskNode[] | undefined> {
  const id = resolve(file);
  if (scope.chain.includes(id)) {
    const cycle = [...scope.chain.slice(scope.chain.indexOf(id)), id]
      .filter((step) => !step.startsWith('role:'))
      .map((step) => relative(process.cwd(), step))
      .join(' -> ');
    scope.run.errors.push(new LoadError(`include cycle: ${cycle}`, { location: at, key }));
    return undefined;
  }
  const vault = scope.run.options.vault;
  const source = await readYaml(file, { allowEmpty: true, vault }).catch((error: LoadError) => {
    scope.run.errors.push(error);
    return undefined;
  });
  if (source === undefined) return undefined;
  const before = scope.run.errors.length;
  if (isMapping(source.value)) {
    report(
      scope.run,
      source,
      [],
      'a tasks file is a list of tasks; got a mapping (start each task with "- ")',
    );
    return undefined;
  }
  scope.run.errors.push(
    ...validateAs('tasks_file', source.value, { source, path: [], noun: 'tasks file', candidates: [] }),
  );
  if (scope.run.errors.length > before) return undefined;
  const inner: TaskScope = {
    ...scope,
    source,
    dir: dirname(file),
    chain: [...scope.chain, id],
    handlers: false,
  };
  return convertTaskList(inner, source.value, []);
}

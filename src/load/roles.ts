/**
 * Roles: finding `roles/<name>` on the search path, reading its tasks, handlers, defaults, vars
 * and meta dependencies, and turning one role reference into a Block whose tasks carry the role's
 * scope. A role runs once per play unless its parameters differ (or meta says allow_duplicates).
 *
 * A role must bring something to run: tasks/main.yml (or the `tasks_from` file), handlers/main.yml
 * or meta dependencies. An empty role directory is reported, as it is almost always a wrong path.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { Block, Condition, EnvironmentLayer, RoleScope, TaskNode } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import { firstExisting } from '../shared/files.ts';
import { loadTaskFileInto } from './includes.ts';
import { ROLE_ENTRY_KEYWORDS, ROLE_ENTRY_REFUSED, unsupportedMessage } from './keywords.ts';
import { isMapping, isTemplated, report, reportAt, reportKey } from './load-context.ts';
import type { TaskScope } from './load-context.ts';
import { blockKeywords, toCommon, toConditions, toTags } from './task-fields.ts';
import type { BlockKeywords } from './task-fields.ts';
import { convertHandlers } from './task-loader.ts';
import { checkRoleEntryTemplates, checkVarsTemplates } from './template-check.ts';
import { validateAs } from './validate.ts';
import { readYamlFile as readYaml } from '../shared/yaml-source.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';

/** One request to bring a role into a play or a task list. */
export interface RoleRequest {
  name: string;
  params: Vars;
  location: SourceLocation;
  /** The YAML key the request came from (for errors). */
  key: string;
  tasksFrom?: string;
  /** Skip the role when the play already has it with the same parameters. */
  dedupe: boolean;
  /** `environment:` of the entry that brings the role in (for the role's handlers). */
  environment?: EnvironmentLayer[];
}

/** A `roles:` entry or a meta dependency, parsed. */
export interface RoleRef {
  name: string;
  params: Vars;
  when: Condition[];
  tags: string[];
  location: SourceLocation;
  /** Block keywords of the entry: set on the role's Block, so every task of the role inherits them. */
  keywords: BlockKeywords;
}

/** Parses `- name`, `- role: name` or `- {name: x, tags, when, vars, param: ...}`. */
export function parseRoleEntry(
  scope: TaskScope,
  source: YamlSource,
  entry: unknown,
  path: YamlPath,
): RoleRef | undefined {
  const location = source.locate(path);
  if (typeof entry === 'string')
    return checkName(
      scope,
      source,
      { name: entry, params: {}, when: [], tags: [], location, keywords: {} },
      path,
    );
  if (!isMapping(entry)) return undefined; // the schema reported it
  const name = entry['role'] ?? entry['name'];
  if (typeof name !== 'string' || name === '') {
    report(scope.run, source, path, "role entry needs 'role' (the role's name)", 'role');
    return undefined;
  }
  const params: Vars = isMapping(entry['vars']) ? { ...entry['vars'] } : {};
  for (const [key, value] of Object.entries(entry)) {
    if (ROLE_ENTRY_KEYWORDS.includes(key)) continue;
    if (ROLE_ENTRY_REFUSED.includes(key)) {
      const message = `${unsupportedMessage(key, 'a role entry')} (to pass a role variable of that name, put it under 'vars:')`;
      reportKey(scope.run, source, [...path, key], message, key);
    } else params[key] = value;
  }
  const ref: RoleRef = {
    name,
    params,
    when: toConditions(entry['when']),
    tags: toTags(entry['tags']),
    location,
    keywords: blockKeywords(toCommon({ ...scope, source }, entry, path)),
  };
  return checkName(scope, source, ref, path);
}

function checkName(scope: TaskScope, source: YamlSource, ref: RoleRef, path: YamlPath): RoleRef | undefined {
  if (!isTemplated(ref.name)) return ref;
  report(
    scope.run,
    source,
    path,
    `role name '${ref.name}' must be literal here; use include_role for a templated name`,
    'role',
  );
  return undefined;
}

/** Directories searched for a role, in order. */
export function roleSearchDirs(scope: TaskScope): string[] {
  const run = scope.run;
  const dirs = [
    ...(scope.role ? [dirname(scope.role.path)] : [join(scope.dir, 'roles')]),
    join(run.playbookDir, 'roles'),
    join(dirname(run.playbookDir), 'roles'),
    ...run.options.rolesPath,
    join(process.cwd(), 'roles'),
  ];
  const seen = new Set<string>();
  return dirs.filter((dir) => {
    const id = resolve(dir);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Loads the role of `request` into a Block (dependencies first, inside it). Returns undefined
 * after reporting an error, or when the play already has this role with the same parameters.
 */
export async function roleBlock(scope: TaskScope, request: RoleRequest): Promise<Block | undefined> {
  const dir = await findRoleDir(scope, request);
  if (dir === undefined) return undefined;
  const id = `role:${resolve(dir)}${request.tasksFrom === undefined ? '' : `:${request.tasksFrom}`}`;
  if (isCycle(scope, request, id)) return undefined;
  const files = await readRoleFiles(scope, dir, request);
  if (files === undefined || alreadyInPlay(scope, request, files, id)) return undefined;
  const role = roleScope(scope, dir, files, request);
  const inner: TaskScope = { ...scope, role, chain: [...scope.chain, id] };
  const deps: TaskNode[] = [];
  for (const dep of files.dependencies) {
    const block = await roleBlock(inner, {
      name: dep.name,
      params: dep.params,
      location: dep.location,
      key: 'dependencies',
      dedupe: true,
      ...(dep.keywords.environment ? { environment: dep.keywords.environment } : {}),
    });
    if (block) deps.push({ ...block, ...dep.keywords, when: dep.when, tags: dep.tags });
  }
  const tasks =
    files.tasksFile === undefined
      ? []
      : await loadTaskFileInto(inner, files.tasksFile, request.location, request.key);
  if (files.handlersFile !== undefined)
    await addHandlers(inner, files.handlersFile, `handlers:${resolve(dir)}`);
  if (tasks === undefined) return undefined;
  return {
    kind: 'block',
    when: [],
    tags: [],
    vars: {},
    location: request.location,
    role,
    block: [...deps, ...tasks],
    rescue: [],
    always: [],
  };
}

/** The role's variables and, for its handlers, the environment of the entries that brought it in. */
function roleScope(scope: TaskScope, dir: string, files: RoleFiles, request: RoleRequest): RoleScope {
  const role: RoleScope = {
    name: basename(dir),
    path: dir,
    defaults: files.defaults,
    vars: files.vars,
    params: request.params,
  };
  const environment = [...(scope.role?.environment ?? []), ...(request.environment ?? [])];
  if (environment.length > 0) role.environment = environment;
  return role;
}

async function findRoleDir(scope: TaskScope, request: RoleRequest): Promise<string | undefined> {
  const candidates = roleCandidates(scope, request.name);
  for (const candidate of candidates) {
    if (await isDirectory(candidate)) return candidate;
  }
  const message = `role '${request.name}' not found; searched: ${candidates.join(', ')}`;
  reportAt(scope.run, request.location, message, request.key);
  return undefined;
}

function isCycle(scope: TaskScope, request: RoleRequest, id: string): boolean {
  if (!scope.chain.includes(id)) return false;
  const cycle = scope.chain
    .slice(scope.chain.indexOf(id))
    .filter((step) => step.startsWith('role:'))
    .map((step) => basename(step.slice(5).split(':')[0] ?? step));
  const message = `role dependency cycle: ${[...cycle, request.name].join(' -> ')}`;
  reportAt(scope.run, request.location, message, request.key);
  return true;
}

/** A role runs once per play with the same params; records it otherwise. */
function alreadyInPlay(scope: TaskScope, request: RoleRequest, files: RoleFiles, id: string): boolean {
  if (!request.dedupe || files.allowDuplicates || !scope.play) return false;
  const key = `${id}\0${JSON.stringify(request.params)}`;
  if (scope.play.seenRoles.has(key)) return true;
  scope.play.seenRoles.add(key);
  return false;
}

function roleCandidates(scope: TaskScope, name: string): string[] {
  if (isAbsolute(name)) return [name];
  const byPath = name.includes('/') ? [join(scope.run.playbookDir, name)] : [];
  return [...byPath, ...roleSearchDirs(scope).map((dir) => join(dir, name))];
}

interface RoleFiles {
  tasksFile?: string;
  handlersFile?: string;
  defaults: Vars;
  vars: Vars;
  dependencies: RoleRef[];
  allowDuplicates: boolean;
}

async function readRoleFiles(
  scope: TaskScope,
  dir: string,
  request: RoleRequest,
): Promise<RoleFiles | undefined> {
  const before = scope.run.errors.length;
  const tasksBase = request.tasksFrom ?? 'main';
  const tasksCandidates = ['.yml', '.yaml', ''].map((ext) => join(dir, 'tasks', `${tasksBase}${ext}`));
  const tasksFile = await firstExisting(tasksCandidates);
  const handlersFile = await firstExisting([
    join(dir, 'handlers', 'main.yml'),
    join(dir, 'handlers', 'main.yaml'),
  ]);
  const defaults = await readVarsPart(scope, dir, 'defaults');
  const vars = await readVarsPart(scope, dir, 'vars');
  const meta = await readMeta(scope, dir);
  if (scope.run.errors.length > before) return undefined;
  if (request.tasksFrom !== undefined && tasksFile === undefined) {
    reportAt(
      scope.run,
      request.location,
      `tasks_from '${request.tasksFrom}' of role '${request.name}' not found; looked for: ${tasksCandidates.join(', ')}`,
      'tasks_from',
    );
    return undefined;
  }
  if (tasksFile === undefined && handlersFile === undefined && meta.dependencies.length === 0) {
    reportAt(
      scope.run,
      request.location,
      `role '${request.name}' at ${dir} has no tasks/main.yml, handlers/main.yml or meta dependencies`,
      request.key,
    );
    return undefined;
  }
  const files: RoleFiles = {
    defaults,
    vars,
    dependencies: meta.dependencies,
    allowDuplicates: meta.allowDuplicates,
  };
  if (tasksFile !== undefined) files.tasksFile = tasksFile;
  if (handlersFile !== undefined) files.handlersFile = handlersFile;
  return files;
}

async function readOptional(scope: TaskScope, dir: string, part: string): Promise<YamlSource | undefined> {
  const file = await firstExisting([join(dir, part, 'main.yml'), join(dir, part, 'main.yaml')]);
  if (file === undefined) return undefined;
  return readYaml(file, { allowEmpty: true, vault: scope.run.options.vault }).catch((error: LoadError) => {
    scope.run.errors.push(error);
    return undefined;
  });
}

async function readVarsPart(scope: TaskScope, dir: string, part: 'defaults' | 'vars'): Promise<Vars> {
  const source = await readOptional(scope, dir, part);
  if (source === undefined) return {};
  const noun = `role ${part} (${part}/main.yml)`;
  const errors = validateAs('vars', source.value, { source, path: [], noun, candidates: [] });
  scope.run.errors.push(...errors);
  if (errors.length > 0 || !isMapping(source.value)) return {};
  checkVarsTemplates(scope.run, source, source.value);
  return source.value;
}

async function readMeta(
  scope: TaskScope,
  dir: string,
): Promise<{ dependencies: RoleRef[]; allowDuplicates: boolean }> {
  const source = await readOptional(scope, dir, 'meta');
  const none = { dependencies: [], allowDuplicates: false };
  if (source === undefined) return none;
  const candidates = ['dependencies', 'galaxy_info', 'allow_duplicates'];
  const errors = validateAs('role_meta', source.value, { source, path: [], noun: 'role meta', candidates });
  scope.run.errors.push(...errors);
  if (errors.length > 0 || !isMapping(source.value)) return none;
  const list = Array.isArray(source.value['dependencies']) ? source.value['dependencies'] : [];
  const dependencies = list.flatMap((entry: unknown, index) => {
    checkRoleEntryTemplates(scope.run, source, entry, ['dependencies', index]);
    return parseRoleEntry(scope, source, entry, ['dependencies', index]) ?? [];
  });
  return { dependencies, allowDuplicates: source.value['allow_duplicates'] === true };
}

async function addHandlers(scope: TaskScope, file: string, key: string): Promise<void> {
  const vault = scope.run.options.vault;
  const source = await readYaml(file, { allowEmpty: true, vault }).catch((error: LoadError) => {
    scope.run.errors.push(error);
    return undefined;
  });
  if (source === undefined) return;
  if (isMapping(source.value)) {
    report(scope.run, source, [], 'a handlers file is a list of handler tasks; got a mapping');
    return;
  }
  const handlers = await convertHandlers({ ...scope, source, dir: dirname(file) }, source.value, []);
  if (!scope.play || scope.play.seenRoles.has(key)) return;
  scope.play.seenRoles.add(key);
  scope.play.handlers.push(...handlers);
}

/**
 * Converts one play mapping into a Play: validates its keywords, loads its vars files, roles,
 * task lists and handlers. Errors are collected in the run; the play is dropped when it has any.
 */
import type { Block, Play } from '../model/playbook.ts';
import { PLAY_KEYWORDS } from './keywords.ts';
import type { LoadRun, PlayState, TaskScope } from './load-context.ts';
import { parseRoleEntry, roleBlock } from './roles.ts';
import { toEnvironment, toTags, toVars } from './task-fields.ts';
import { checkPlayTemplates } from './template-check.ts';
import { convertHandlers, convertTaskList } from './task-loader.ts';
import { validateAs } from './validate.ts';
import { loadPlayVarsFiles } from './vars-files.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';

/** Converts the play at `path` of `source`; `baseDir` is its playbook's directory. */
export async function convertPlay(
  run: LoadRun,
  source: YamlSource,
  raw: Record<string, unknown>,
  path: YamlPath,
  baseDir: string,
  chain: string[],
): Promise<Play | undefined> {
  const before = run.errors.length;
  run.errors.push(...validateAs('play', raw, { source, path, noun: 'play', candidates: PLAY_KEYWORDS }));
  const state: PlayState = { handlers: [], seenRoles: new Set() };
  const scope: TaskScope = { run, source, dir: baseDir, play: state, chain };
  const varsFiles = await loadPlayVarsFiles(run, source, raw['vars_files'], [...path, 'vars_files'], baseDir);
  const preTasks = await convertTaskList(scope, raw['pre_tasks'], [...path, 'pre_tasks']);
  const roles = await convertRoles(scope, raw['roles'], [...path, 'roles']);
  const tasks = await convertTaskList(scope, raw['tasks'], [...path, 'tasks']);
  const postTasks = await convertTaskList(scope, raw['post_tasks'], [...path, 'post_tasks']);
  const handlers = await convertHandlers(scope, raw['handlers'], [...path, 'handlers']);
  checkPlayTemplates(run, source, raw, path);
  const environment = toEnvironment(scope, raw['environment'], path) ?? [];
  if (run.errors.length > before) return undefined;
  const hosts = Array.isArray(raw['hosts']) ? raw['hosts'].join(':') : String(raw['hosts']);
  const play: Play = {
    name: typeof raw['name'] === 'string' ? raw['name'] : hosts,
    hosts,
    vars: toVars(raw['vars']),
    varsFiles,
    preTasks,
    roles,
    tasks,
    postTasks,
    handlers: [...state.handlers, ...handlers],
    anyErrorsFatal: raw['any_errors_fatal'] === true,
    gatherFacts: raw['gather_facts'] === true,
    tags: toTags(raw['tags']),
    environment,
    location: source.locate(path),
    baseDir,
  };
  if (raw['serial'] !== undefined) play.serial = raw['serial'] as number | string;
  if (typeof raw['max_fail_percentage'] === 'number') play.maxFailPercentage = raw['max_fail_percentage'];
  if (typeof raw['check_mode'] === 'boolean') play.checkMode = raw['check_mode'];
  return play;
}

async function convertRoles(scope: TaskScope, value: unknown, path: YamlPath): Promise<Block[]> {
  if (!Array.isArray(value)) return [];
  const blocks: Block[] = [];
  for (const [index, entry] of value.entries()) {
    const ref = parseRoleEntry(scope, scope.source, entry, [...path, index]);
    if (ref === undefined) continue;
    const block = await roleBlock(scope, {
      name: ref.name,
      params: ref.params,
      location: ref.location,
      key: 'role',
      dedupe: true,
      ...(ref.keywords.environment ? { environment: ref.keywords.environment } : {}),
    });
    if (block) blocks.push({ ...block, ...ref.keywords, when: ref.when, tags: ref.tags });
  }
  return blocks;
}

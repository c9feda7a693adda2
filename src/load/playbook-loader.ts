/**
 * Entry points of the loader: whole playbooks (with `import_playbook` expanded in place), task
 * files and roles for dynamic includes at run time, and vars files.
 */
import { access } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { Block, Play, Playbook, RoleScope, TaskNode } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import { loadTaskFileInto } from './includes.ts';
import { isMapping, isTemplated, newRun, report, throwIfErrors } from './load-context.ts';
import type { LoadOptions, LoadRun, TaskScope } from './load-context.ts';
import { convertPlay } from './play-loader.ts';
import { roleBlock } from './roles.ts';
import { typeOf } from './friendly-errors.ts';
import { validateAs } from './validate.ts';
import { readYamlFile as readYaml } from '../shared/yaml-source.ts';
import type { YamlSource } from '../shared/yaml-source.ts';

/**
 * Loads and validates a playbook and everything it references (imported playbooks, roles, task
 * files, literal vars files). Nothing runs. Throws LoadErrors listing every independent error found.
 */
export async function loadPlaybook(file: string, options: LoadOptions): Promise<Playbook> {
  const run = newRun(options, file);
  const plays = await loadPlaybookFile(run, file, [], undefined);
  throwIfErrors(run);
  return { file, plays };
}

async function loadPlaybookFile(
  run: LoadRun,
  file: string,
  chain: string[],
  from: SourceLocation | undefined,
): Promise<Play[]> {
  const source = await readYaml(file, { vault: run.options.vault }).catch((error: LoadError) => {
    run.errors.push(
      from && /file not found/.test(error.message)
        ? new LoadError(error.message, { location: from, key: 'import_playbook' })
        : error,
    );
    return undefined;
  });
  if (source === undefined) return [];
  if (isMapping(source.value)) {
    report(
      run,
      source,
      [],
      "a playbook is a list of plays; got a mapping (start each play with '- hosts: ...')",
    );
    return [];
  }
  const errors = validateAs('playbook', source.value, { source, path: [], noun: 'playbook', candidates: [] });
  if (errors.length > 0 || !Array.isArray(source.value)) {
    run.errors.push(...errors);
    return [];
  }
  const ids = [...chain, resolve(file)];
  const plays: Play[] = [];
  for (const [index, entry] of source.value.entries()) {
    plays.push(...(await loadEntry(run, source, entry, index, ids)));
  }
  return plays;
}

async function loadEntry(
  run: LoadRun,
  source: YamlSource,
  entry: unknown,
  index: number,
  chain: string[],
): Promise<Play[]> {
  if (!isMapping(entry)) {
    report(
      run,
      source,
      [index],
      `play must be a mapping, got ${typeOf(entry)}${typeof entry === 'string' ? ` '${entry}'` : ''}`,
    );
    return [];
  }
  if (!('import_playbook' in entry)) {
    const play = await convertPlay(run, source, entry, [index], dirname(source.file), chain);
    return play ? [play] : [];
  }
  const errors = validateAs('import_playbook', entry, {
    source,
    path: [index],
    noun: 'import_playbook entry',
    candidates: ['import_playbook', 'name'],
  });
  if (errors.length > 0) {
    run.errors.push(...errors);
    return [];
  }
  const target = String(entry['import_playbook']);
  if (isTemplated(target)) {
    report(
      run,
      source,
      [index, 'import_playbook'],
      'import_playbook needs a literal file name',
      'import_playbook',
    );
    return [];
  }
  const file = isAbsolute(target) ? target : join(dirname(source.file), target);
  const id = resolve(file);
  if (chain.includes(id)) {
    const cycle = [...chain.slice(chain.indexOf(id)), id]
      .map((step) => relative(process.cwd(), step))
      .join(' -> ');
    report(run, source, [index, 'import_playbook'], `import_playbook cycle: ${cycle}`, 'import_playbook');
    return [];
  }
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    report(
      run,
      source,
      [index, 'import_playbook'],
      `import_playbook file not found: ${file}`,
      'import_playbook',
    );
    return [];
  }
  return loadPlaybookFile(run, file, chain, source.locate([index]));
}

/**
 * Loads a tasks file for a dynamic `include_tasks` at run time. `role` is the scope of the role
 * the include runs in, if any (its tasks keep it). Throws LoadErrors.
 */
export async function loadTasksFile(
  file: string,
  options: LoadOptions,
  role?: RoleScope,
): Promise<TaskNode[]> {
  const run = newRun(options, file);
  const scope: TaskScope = { run, source: emptySource(file), dir: dirname(file), chain: [] };
  if (role) scope.role = role;
  const tasks = await loadTaskFileInto(scope, file, { file, line: 1, column: 1 }, 'include_tasks');
  throwIfErrors(run);
  return tasks ?? [];
}

/**
 * Loads a role for a dynamic `include_role` at run time: a Block with the role's scope (its
 * dependencies inside). `fromDir` is the playbook directory roles are searched from. The role's
 * handlers are not returned (the Block has no place for them). Throws LoadErrors.
 */
export async function loadRole(
  name: string,
  params: Vars,
  options: LoadOptions,
  fromDir: string,
  location: SourceLocation,
): Promise<Block> {
  const run = newRun(options, join(fromDir, 'playbook.yml'));
  const scope: TaskScope = { run, source: emptySource(location.file), dir: fromDir, chain: [] };
  const block = await roleBlock(scope, { name, params, location, key: 'include_role', dedupe: false });
  throwIfErrors(run);
  if (block === undefined)
    throw new LoadError(`role '${name}' could not be loaded`, { location, key: 'include_role' });
  return block;
}

function emptySource(file: string): YamlSource {
  const at = { file, line: 1, column: 1 };
  return { file, value: null, locate: () => at, locateKey: () => at };
}

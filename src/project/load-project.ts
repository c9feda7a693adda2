/**
 * Loads a project run the same way for `mcsync play` and `mcsync observe --playbook`: the
 * playbooks (a relative name is also looked up under ./playbooks/, then among mcsync's own; see
 * findPlaybook), the extra vars, the inventory (-i, else mcsync.yaml's, else ./inventory/) and the
 * loader for what only run time knows.
 * Option errors come first (UsageError, exit 5), then every file is loaded and validated
 * (LoadError, exit 4) before anything runs.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError, UsageError } from '../errors.ts';
import type { LoaderPort } from '../engine/ports.ts';
import { loadInventory } from '../inventory/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { loadPlaybook, loadRole, loadTasksFile, loadVarsFile } from '../load/index.ts';
import type { ModuleRegistry } from '../model/module.ts';
import type { Playbook } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { Vault } from '../vault/index.ts';
import { parseExtraVars } from './extra-vars.ts';

export interface ProjectRequest {
  /** Playbook paths or bare names, in run order. */
  playbooks: readonly string[];
  /** `-i` as given (relative to `cwd`); empty: `configInventory`, else ./inventory when it exists. */
  inventory: readonly string[];
  /** mcsync.yaml's `inventory`, already resolved. */
  configInventory?: readonly string[];
  /** `-e` values in order. */
  extraVars: readonly string[];
  /** Extra role directories (relative to `cwd` or absolute). */
  rolesPath: readonly string[];
  cwd: string;
  modules: ModuleRegistry;
  /** Opens vaulted files and `!vault` values; without one they are an error naming the file. */
  vault?: Vault | undefined;
}

export interface LoadedProject {
  playbooks: Playbook[];
  inventory: Inventory;
  /** The inventory files and directories that were loaded. */
  inventoryPaths: string[];
  extraVars: Vars;
  /** Loads what a play can only know at run time: templated vars_files and dynamic includes. */
  loader: LoaderPort;
}

/** Loads and validates the whole project; nothing runs. */
export async function loadProject(request: ProjectRequest): Promise<LoadedProject> {
  const { cwd, vault } = request;
  const loadOptions = {
    modules: request.modules,
    rolesPath: request.rolesPath.map((dir) => resolve(cwd, dir)),
    vault,
  };
  const extraVars = await parseExtraVars(request.extraVars, {
    loadVarsFile: (file) => loadVarsFile(resolve(cwd, file), vault),
  });
  const playbooks: Playbook[] = [];
  for (const name of request.playbooks)
    playbooks.push(await loadPlaybook(findPlaybook(name, cwd), loadOptions));
  const paths = inventoryPaths(request.inventory, request.configInventory ?? [], cwd);
  const inventory = await loadInventory(paths, { playbookDir: dirname(playbooks[0]?.file ?? cwd), vault });
  const loader: LoaderPort = {
    loadVarsFile: (file) => loadVarsFile(file, vault),
    loadTasksFile: (file, role) => loadTasksFile(file, loadOptions, role),
    loadRole: (name, params, fromDir, location) => loadRole(name, params, loadOptions, fromDir, location),
  };
  return { playbooks, inventory, inventoryPaths: paths, extraVars, loader };
}

/** The installed package's (or the clone's) root: this file is src/project/ or dist/project/. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A relative playbook name is looked up, first found wins: as given (from `cwd`), under
 * ./playbooks/, then the same two in mcsync's own folder (the shipped playbooks/, which load the
 * shipped vars/ and roles/ beside them). So `mcsync-play playbooks/sync.yml` and `mcsync-play
 * sync.yml` run the shipped playbook from any directory without a playbook of that name. The file
 * used becomes the playbook's `file`: `--syntax-check` and `--list-tasks` print it, `-vv` prints
 * `PLAYBOOK: <file>` and `--output json` has it as `playbook`.
 */
export function findPlaybook(name: string, cwd: string): string {
  const candidates = isAbsolute(name)
    ? [name]
    : [...new Set([cwd, PACKAGE_ROOT])].flatMap((dir) => [
        resolve(dir, name),
        resolve(dir, 'playbooks', name),
      ]);
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new LoadError(`playbook '${name}' not found; looked in ${candidates.join(', ')}`, {
      key: basename(name),
    });
  }
  return found;
}

/** `-i` paths (each must exist), else mcsync.yaml's, else ./inventory when it exists. */
function inventoryPaths(given: readonly string[], fromConfig: readonly string[], cwd: string): string[] {
  if (given.length > 0) {
    return given.map((path) => {
      const full = resolve(cwd, path);
      if (!existsSync(full)) throw new UsageError(`-i ${path}: no such inventory file or directory`);
      return full;
    });
  }
  if (fromConfig.length > 0) return [...fromConfig];
  const fallback = resolve(cwd, 'inventory');
  return existsSync(fallback) ? [fallback] : [];
}

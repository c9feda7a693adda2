/**
 * Everything `--playbook` needs, loaded and validated once (and again on --watch-files reloads):
 * the playbook, the inventory, the module registry, the loader and the extra vars, wired as
 * `mcsync play` wires them. The module services (kube clients, discovery, the run cache) are not
 * part of a bundle: the trigger keeps one set across runs and reloads, so clients stay warm.
 */
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import type { LoaderPort } from '../engine/ports.ts';
import { loadInventory } from '../inventory/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { loadPlaybook, loadRole, loadTasksFile, loadVarsFile } from '../load/index.ts';
import type { ModuleRegistry } from '../model/module.ts';
import type { Playbook } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { Vault } from '../vault/index.ts';
import { parseExtraVars } from '../cli/extra-vars.ts';
import { findPlaybook } from '../cli/play-command.ts';

export interface BundleSource {
  playbook: string;
  /** Inventory paths as given (-i); empty: ./inventory when it exists. */
  inventory: readonly string[];
  extraVars: readonly string[];
  rolesPath: readonly string[];
  cwd: string;
  modules: ModuleRegistry;
  /** Decrypts vaulted files and `!vault` values; its revealed secrets are masked in run output. */
  vault?: Vault;
}

export interface PlaybookBundle {
  playbook: Playbook;
  inventory: Inventory;
  loader: LoaderPort;
  extraVars: Vars;
  /** Files whose change should reload the bundle: the playbook, literal vars_files, inventories, -e @files. */
  files: string[];
}

/** Loads and validates the bundle; LoadError (exit 4) or UsageError (exit 5) when it is not valid. */
export async function loadBundle(source: BundleSource): Promise<PlaybookBundle> {
  const loadOptions = {
    modules: source.modules,
    rolesPath: source.rolesPath.map((d) => resolve(source.cwd, d)),
    vault: source.vault,
  };
  const extraVars = await parseExtraVars(source.extraVars, {
    loadVarsFile: (file) => loadVarsFile(resolve(source.cwd, file), source.vault),
  });
  const playbookFile = findPlaybook(source.playbook, source.cwd);
  const playbook = await loadPlaybook(playbookFile, loadOptions);
  const inventoryPaths = inventoryFiles(source);
  const inventory = await loadInventory(inventoryPaths, {
    playbookDir: dirname(playbook.file),
    vault: source.vault,
  });
  const loader: LoaderPort = {
    loadVarsFile: (file) => loadVarsFile(file, source.vault),
    loadTasksFile: (file, role) => loadTasksFile(file, loadOptions, role),
    loadRole: (name, params, fromDir, location) => loadRole(name, params, loadOptions, fromDir, location),
  };
  const varsFiles = playbook.plays
    .flatMap((p) => p.varsFiles.map((v) => v.resolved))
    .filter((f) => f !== undefined);
  const atFiles = source.extraVars
    .filter((e) => e.trim().startsWith('@'))
    .map((e) => resolve(source.cwd, e.trim().slice(1)));
  return {
    playbook,
    inventory,
    loader,
    extraVars,
    files: [...new Set([playbook.file, ...varsFiles, ...inventoryPaths, ...atFiles])],
  };
}

function inventoryFiles(source: BundleSource): string[] {
  if (source.inventory.length > 0)
    return source.inventory.map((path) => {
      const full = resolve(source.cwd, path);
      if (!existsSync(full)) throw new UsageError(`-i ${path}: no such inventory file or directory`);
      return full;
    });
  const fallback = resolve(source.cwd, 'inventory');
  return existsSync(fallback) ? [fallback] : [];
}

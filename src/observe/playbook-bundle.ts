/**
 * Everything `--playbook` needs, loaded and validated once (and again on --watch-files reloads):
 * the project as `loadProject` loads it for `mcsync play` too. The module services (kube clients,
 * discovery, the run cache) are not part of a bundle: the trigger keeps one set across runs and
 * reloads, so clients stay warm.
 */
import { resolve } from 'node:path';
import type { LoaderPort } from '../engine/ports.ts';
import type { Inventory } from '../inventory/index.ts';
import type { ModuleRegistry } from '../model/module.ts';
import type { Playbook } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import { loadProject } from '../project/load-project.ts';
import type { Vault } from '../vault/index.ts';

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
  const project = await loadProject({ ...source, playbooks: [source.playbook] });
  const playbook = project.playbooks[0] as Playbook;
  const varsFiles = playbook.plays
    .flatMap((p) => p.varsFiles.map((v) => v.resolved))
    .filter((f) => f !== undefined);
  const atFiles = source.extraVars
    .filter((e) => e.trim().startsWith('@'))
    .map((e) => resolve(source.cwd, e.trim().slice(1)));
  return {
    playbook,
    inventory: project.inventory,
    loader: project.loader,
    extraVars: project.extraVars,
    files: [...new Set([playbook.file, ...varsFiles, ...project.inventoryPaths, ...atFiles])],
  };
}

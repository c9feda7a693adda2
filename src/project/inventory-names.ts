/**
 * The host and group names of the inventory a command line would use, for shell completion:
 * the `-i` paths typed, else mcsync.yaml's `inventory`, else ./inventory/ (as loadProject picks
 * them). Only names leave here; no variable of the inventory does.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInventory } from '../inventory/index.ts';
import { readProjectConfig } from './project-config.ts';

export interface InventoryNames {
  hosts: string[];
  /** Every group, `all` and `ungrouped` first. */
  groups: string[];
}

/** Loads the inventory `-i inventory` (relative to `cwd`) or the project's default one. */
export async function inventoryNames(inventory: readonly string[], cwd: string): Promise<InventoryNames> {
  const paths = inventory.length > 0 ? inventory.map((path) => resolve(cwd, path)) : await defaultPaths(cwd);
  const loaded = await loadInventory(paths.filter((path) => existsSync(path)));
  return { hosts: loaded.hostNames(), groups: loaded.groupNames() };
}

async function defaultPaths(cwd: string): Promise<string[]> {
  const config = await readProjectConfig(cwd);
  return config.inventory.length > 0 ? config.inventory : [resolve(cwd, 'inventory')];
}

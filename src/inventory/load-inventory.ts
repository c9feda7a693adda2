/**
 * Loads an inventory from files and directories (`-i` may be given several times; they merge).
 * A directory contributes every inventory file in it, recursively and in name order, skipping
 * `group_vars/`, `host_vars/`, hidden files, `*.md`, `*.retry` and `*~`. Each file is INI or YAML,
 * chosen by extension or, without one, by its first meaningful line. No sources at all gives an
 * inventory holding only the implicit `localhost`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { LoadError } from '../errors.ts';
import { parseYaml } from '../shared/yaml-source.ts';
import { Vault } from '../vault/vault.ts';
import type { VaultDecrypter } from '../vault/vault.ts';
import { isVaultText } from '../vault/vault-format.ts';
import { parseIniInventory } from './inventory-ini.ts';
import { InventoryData } from './inventory-data.ts';
import { checkCycles, reconcile } from './inventory-graph.ts';
import { parseYamlInventory } from './inventory-yaml.ts';
import { LoadedInventory } from './inventory.ts';
import type { HostOrigin, Inventory } from './inventory.ts';
import { IMPLICIT_LOCALHOST } from './host-patterns.ts';
import { loadVarsLayer } from './vars-dirs.ts';

export interface LoadInventoryOptions {
  /** Directory of the playbook: its `group_vars/` and `host_vars/` override the inventory's. */
  playbookDir?: string;
  /** Decrypts vaulted inventory and vars files and `!vault` values in them. */
  vault?: VaultDecrypter;
}

const SKIPPED_DIRS = new Set(['group_vars', 'host_vars']);
const SKIPPED_EXTENSIONS = new Set(['.md', '.retry', '.txt', '.rst', '.orig', '.bak', '.swp']);
const YAML_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);

/** Loads and merges inventory sources; every error is a LoadError naming file:line. */
export async function loadInventory(
  sources: readonly string[],
  options: LoadInventoryOptions = {},
): Promise<Inventory> {
  const data = new InventoryData();
  const origins = new Map<string, HostOrigin>();
  const varsDirs: string[] = [];
  for (const source of sources) {
    const path = resolve(source);
    const info = await statSource(path);
    const files = info.isDirectory() ? await inventoryFiles(path) : [path];
    for (const file of files) {
      const known = new Set(data.hosts.keys());
      await parseInventoryFile(file, data, options.vault);
      for (const host of data.hosts.keys()) {
        if (!known.has(host)) origins.set(host, { file, dir: dirname(file) });
      }
    }
    const dir = info.isDirectory() ? path : dirname(path);
    if (!varsDirs.includes(dir)) varsDirs.push(dir);
  }
  checkCycles(data);
  reconcile(data);
  const groups = [...data.groups.keys()];
  const hosts = [...data.hosts.keys(), ...(data.hosts.has(IMPLICIT_LOCALHOST) ? [] : [IMPLICIT_LOCALHOST])];
  const inventory = await Promise.all(
    varsDirs.map((dir) => loadVarsLayer(dir, groups, hosts, options.vault)),
  );
  const playbook = options.playbookDir
    ? await loadVarsLayer(resolve(options.playbookDir), groups, hosts, options.vault)
    : undefined;
  return new LoadedInventory(data, { inventory, playbook }, origins);
}

async function statSource(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (error) {
    throw new LoadError(`inventory source not found: ${path}`, {
      location: { file: path, line: 1, column: 1 },
      cause: error,
    });
  }
}

/** Every inventory file under a directory, recursively, in name order. */
async function inventoryFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    if (entry.name.startsWith('.') || entry.name.endsWith('~')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await inventoryFiles(full)));
    } else if (!SKIPPED_EXTENSIONS.has(extname(entry.name))) {
      files.push(full);
    }
  }
  return files;
}

/**
 * Parses one file as INI or YAML into `data`. A file made by `ansible-vault encrypt` is decrypted
 * first (Ansible allows both formats vaulted) and its values become secrets.
 */
export async function parseInventoryFile(
  file: string,
  data: InventoryData,
  vault: VaultDecrypter = new Vault(),
): Promise<void> {
  const raw = await readFile(file, 'utf8');
  const encrypted = isVaultText(raw);
  const text = encrypted ? vault.decrypt(raw, { location: { file, line: 1, column: 1 } }) : raw;
  if (detectFormat(file, text) === 'yaml') {
    const source = parseYaml(text, file, { allowEmpty: true, vault });
    if (encrypted) vault.conceal(source.value);
    parseYamlInventory(source, data);
  } else {
    if (encrypted) vault.conceal(iniValues(text));
    parseIniInventory(text, file, data);
  }
}

/** The values of `key=value` words of an INI inventory (quotes removed), to register as secrets. */
function iniValues(text: string): string[] {
  return [...text.matchAll(/[\w.-]+=("[^"]*"|'[^']*'|\S+)/g)].map((match) =>
    (match[1] ?? '').replace(/^(["'])(.*)\1$/, '$2'),
  );
}

/**
 * `.yml`/`.yaml`/`.json` are YAML and `.ini` is INI; otherwise the first line that is not blank
 * or a comment decides: `[section]` or `host key=value` is INI, `name:` or `---` is YAML.
 */
export function detectFormat(file: string, text: string): 'ini' | 'yaml' {
  const ext = extname(basename(file)).toLowerCase();
  if (YAML_EXTENSIONS.has(ext)) return 'yaml';
  if (ext === '.ini') return 'ini';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line === '---' || line.startsWith('{')) return 'yaml';
    return /^[^\s=[]+:(\s|$)/.test(line) ? 'yaml' : 'ini';
  }
  return 'ini';
}

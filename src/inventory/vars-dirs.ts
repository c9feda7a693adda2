/**
 * `group_vars/` and `host_vars/` directories, found the way Ansible's host_group_vars plugin finds
 * them: for a group or host `N`, the first of `N`, `N.yml`, `N.yaml`, `N.json` that exists; when
 * that is a directory, every `*.yml|*.yaml|*.json` (or extension-less) file under it, in name
 * order, later files replacing earlier keys. Files for unknown groups or hosts are ignored.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LoadError } from '../errors.ts';
import { readYamlFile } from '../shared/yaml-source.ts';
import type { Vars } from '../model/vars.ts';
import type { VaultDecrypter } from '../vault/vault.ts';
import { assignVars } from './inventory-data.ts';
import { kindOf } from './inventory-yaml.ts';

/** The group and host vars found beside one inventory source or beside the playbook. */
export interface VarsLayer {
  dir: string;
  groupVars: Map<string, Vars>;
  hostVars: Map<string, Vars>;
}

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Reads `<dir>/group_vars` and `<dir>/host_vars` for the given group and host names; `vault`
 * decrypts vaulted files and `!vault` values.
 */
export async function loadVarsLayer(
  dir: string,
  groups: Iterable<string>,
  hosts: Iterable<string>,
  vault?: VaultDecrypter,
): Promise<VarsLayer> {
  return {
    dir,
    groupVars: await loadEntityVars(join(dir, 'group_vars'), groups, vault),
    hostVars: await loadEntityVars(join(dir, 'host_vars'), hosts, vault),
  };
}

async function loadEntityVars(
  dir: string,
  names: Iterable<string>,
  vault: VaultDecrypter | undefined,
): Promise<Map<string, Vars>> {
  const result = new Map<string, Vars>();
  const entries = await listDirectory(dir);
  if (entries.length === 0) return result;
  const present = new Set(entries);
  for (const name of names) {
    const found = EXTENSIONS.map((ext) => `${name}${ext}`).find((candidate) => present.has(candidate));
    if (found === undefined) continue;
    const files = await varsFiles(join(dir, found));
    const vars: Vars = {};
    for (const file of files) assignVars(vars, await readVarsFile(file, vault));
    result.set(name, vars);
  }
  return result;
}

/** The file itself, or every vars file under a directory in sorted order (hidden files skipped). */
async function varsFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const found: string[] = [];
  for (const entry of await listDirectory(path)) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(path, entry);
    const ext = extname(entry);
    const info = await stat(full);
    if (info.isDirectory() && ext === '') found.push(...(await varsFiles(full)));
    else if (info.isFile() && EXTENSIONS.includes(ext)) found.push(full);
  }
  return found;
}

/** Reads one vars file; it must hold a mapping (an empty file is no vars). */
export async function readVarsFile(file: string, vault?: VaultDecrypter): Promise<Vars> {
  const source = await readYamlFile(file, { allowEmpty: true, vault });
  if (source.value === null || source.value === undefined) return {};
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new LoadError(
      `a vars file must hold a mapping of variable names to values, got ${kindOf(source.value)}`,
      {
        location: source.locate([]),
      },
    );
  }
  return source.value as Vars;
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

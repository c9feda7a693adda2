/**
 * `mcsync.yaml`, the project config that plays ansible.cfg's part: default inventory, extra role
 * paths, forks and vault passwords. Looked up in the current directory; command-line flags win
 * over it (vault sources add to the command line's, as ansible.cfg's do).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LoadError } from '../errors.ts';
import { readYamlFile } from '../shared/yaml-source.ts';
import type { YamlSource } from '../shared/yaml-source.ts';
import { expandHome, splitVaultId } from '../vault/index.ts';

export interface ProjectConfig {
  file?: string;
  inventory: string[];
  rolesPath: string[];
  forks?: number;
  /** `vault_password_file`, resolved. */
  vaultPasswordFile?: string;
  /** `vault_identity_list`: `label@source` entries, file sources resolved (tried before --vault-id). */
  vaultIdentityList: string[];
  /** `vault_id_match`: only the secret of the id a vault names may open it. */
  vaultIdMatch?: boolean;
}

const KEYS = new Set([
  'inventory',
  'roles_path',
  'forks',
  'vault_password_file',
  'vault_identity_list',
  'vault_id_match',
]);

/** Reads ./mcsync.yaml (or .yml) when present; relative paths resolve against its directory. */
export async function readProjectConfig(cwd: string): Promise<ProjectConfig> {
  const file = ['mcsync.yaml', 'mcsync.yml']
    .map((name) => resolve(cwd, name))
    .find((path) => existsSync(path));
  if (!file) return { inventory: [], rolesPath: [], vaultIdentityList: [] };
  const source = await readYamlFile(file, { allowEmpty: true });
  const value = (source.value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new LoadError('mcsync.yaml must be a mapping', { location: source.locate([]) });
  }
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key)) {
      throw new LoadError(`unknown key '${key}' in mcsync.yaml; expected one of ${[...KEYS].join(', ')}`, {
        location: source.locateKey([key]),
        key,
      });
    }
  }
  const base = dirname(file);
  const list = (key: string): string[] => {
    const raw = value[key];
    if (raw === undefined) return [];
    const items = Array.isArray(raw) ? raw : [raw];
    if (!items.every((item) => typeof item === 'string')) {
      throw new LoadError(`'${key}' must be a path or a list of paths`, {
        location: source.locate([key]),
        key,
      });
    }
    return items.map((item) => resolve(base, item));
  };
  const forks = value['forks'];
  if (forks !== undefined && (typeof forks !== 'number' || !Number.isInteger(forks) || forks < 1)) {
    throw new LoadError(`'forks' must be a positive integer`, {
      location: source.locate(['forks']),
      key: 'forks',
    });
  }
  return {
    file,
    inventory: list('inventory'),
    rolesPath: list('roles_path'),
    ...(forks === undefined ? {} : { forks }),
    ...vaultConfig(source, value, base),
  };
}

/**
 * The vault keys; a source that is not `prompt` is a path relative to mcsync.yaml, and a leading
 * `~/` is the home directory (ansible.cfg's path type expands it too).
 */
function vaultConfig(
  source: YamlSource,
  value: Record<string, unknown>,
  base: string,
): Pick<ProjectConfig, 'vaultPasswordFile' | 'vaultIdentityList' | 'vaultIdMatch'> {
  const bad = (key: string, what: string): LoadError =>
    new LoadError(`'${key}' must be ${what}`, { location: source.locate([key]), key });
  const file = value['vault_password_file'];
  if (file !== undefined && (typeof file !== 'string' || file === ''))
    throw bad('vault_password_file', 'a path');
  const raw = value['vault_identity_list'] ?? [];
  const ids = Array.isArray(raw) ? raw : [raw];
  if (!ids.every((id) => typeof id === 'string' && id !== ''))
    throw bad('vault_identity_list', "a list of 'label@source' entries (source: a file, a script or prompt)");
  const match = value['vault_id_match'];
  if (match !== undefined && typeof match !== 'boolean') throw bad('vault_id_match', 'true or false');
  const path = (raw: string): string => resolve(base, expandHome(raw));
  return {
    ...(typeof file === 'string' ? { vaultPasswordFile: path(file) } : {}),
    vaultIdentityList: (ids as string[]).map((id) => {
      const { label, source: from } = splitVaultId(id);
      return from === 'prompt' ? `${label}@prompt` : `${label}@${path(from)}`;
    }),
    ...(match === undefined ? {} : { vaultIdMatch: match }),
  };
}

/**
 * `mcsync.yaml`, the project config that plays ansible.cfg's part: default inventory, extra role
 * paths and forks. Looked up in the current directory; command-line flags win over it.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LoadError } from '../errors.ts';
import { readYamlFile } from '../load/yaml-source.ts';

export interface ProjectConfig {
  file?: string;
  inventory: string[];
  rolesPath: string[];
  forks?: number;
}

const KEYS = new Set(['inventory', 'roles_path', 'forks']);

/** Reads ./mcsync.yaml (or .yml) when present; relative paths resolve against its directory. */
export async function readProjectConfig(cwd: string): Promise<ProjectConfig> {
  const file = ['mcsync.yaml', 'mcsync.yml']
    .map((name) => resolve(cwd, name))
    .find((path) => existsSync(path));
  if (!file) return { inventory: [], rolesPath: [] };
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
  };
}

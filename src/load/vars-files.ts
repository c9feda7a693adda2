/**
 * Vars files: `loadVarsFile` for any file of variables (JSON or YAML, a mapping at the top), and
 * the `vars_files:` of a play, loaded at load time when their paths are literal.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { LoadErrors } from '../errors.ts';
import type { LoadError } from '../errors.ts';
import type { VarsFileRef } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { VaultDecrypter } from '../vault/vault.ts';
import { firstExisting } from '../shared/files.ts';
import { isMapping, isTemplated, report } from './load-context.ts';
import type { LoadRun } from './load-context.ts';
import { toStrings } from './task-fields.ts';
import { validateAs } from './validate.ts';
import { readYamlFile as readYaml } from '../shared/yaml-source.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';

/**
 * Reads a file of variables. JSON is YAML, so both work; an empty file is `{}`. Throws a
 * LoadError (or LoadErrors when several variable names are bad) for anything but a mapping.
 * `vault` decrypts a vaulted file and `!vault` values.
 */
export async function loadVarsFile(file: string, vault?: VaultDecrypter): Promise<Vars> {
  const source = await readYaml(file, { allowEmpty: true, vault });
  const errors = validateAs('vars', source.value, { source, path: [], noun: 'vars file', candidates: [] });
  const [first] = errors;
  if (first !== undefined) throw errors.length === 1 ? first : new LoadErrors(errors);
  return isMapping(source.value) ? source.value : {};
}

/**
 * The `vars_files:` entries of a play. Each is a path or a list of alternatives (first that exists
 * wins), relative to the play's directory. Literal paths are loaded now; a missing file is an error
 * naming every path tried. Entries with templates are kept for the engine.
 */
export async function loadPlayVarsFiles(
  run: LoadRun,
  source: YamlSource,
  value: unknown,
  path: YamlPath,
  baseDir: string,
): Promise<VarsFileRef[]> {
  if (!Array.isArray(value)) return [];
  const refs: VarsFileRef[] = [];
  for (const [index, entry] of value.entries()) {
    const paths = toStrings(entry);
    const ref: VarsFileRef = { paths, location: source.locate([...path, index]) };
    if (paths.length === 0 || isTemplated(paths)) {
      refs.push(ref);
      continue;
    }
    const tried = paths.map((p) => (isAbsolute(p) ? p : join(baseDir, p)));
    const found = await firstExisting(tried);
    if (found === undefined) {
      report(run, source, [...path, index], `vars file not found: tried ${tried.join(', ')}`, 'vars_files');
      continue;
    }
    try {
      ref.loaded = await loadVarsFile(found, run.options.vault);
      ref.resolved = resolve(found);
      refs.push(ref);
    } catch (error) {
      run.errors.push(...(error instanceof LoadErrors ? error.errors : [error as LoadError]));
    }
  }
  return refs;
}

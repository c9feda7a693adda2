/**
 * include_vars: loads variables from a YAML/JSON file or a directory of them at run time, at the
 * include_vars precedence level (the engine layers `includedVars`). Relative paths resolve against
 * the task's base dir, then its search paths, then a `vars/` folder beside it.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { errorMessage } from '../../errors.ts';
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult } from '../../model/result.ts';
import type { Vars } from '../../model/vars.ts';
import type { VaultDecrypter } from '../../vault/vault.ts';
import { readYamlFile } from '../../shared/yaml-source.ts';

export interface IncludeVarsArgs {
  _raw_params?: string;
  file?: string;
  dir?: string;
  /** Put the loaded variables under this one name instead of at the top level. */
  name?: string;
  /** Directory depth to descend (0 = unlimited, the default). */
  depth?: number;
  /** Only files whose name matches this regular expression (directories only). */
  files_matching?: string;
  /** File extensions loaded from directories (default yaml, yml, json). */
  extensions?: string[];
}

const DEFAULT_EXTENSIONS = ['yaml', 'yml', 'json'];

export const includeVarsModule: ModuleDefinition<IncludeVarsArgs> = {
  name: 'include_vars',
  description: 'Load variables from a YAML/JSON file or a directory of them.',
  freeForm: true,
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    properties: {
      _raw_params: { type: 'string', minLength: 1 },
      file: { type: 'string', minLength: 1 },
      dir: { type: 'string', minLength: 1 },
      name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      depth: { type: 'integer', minimum: 0 },
      files_matching: { type: 'string' },
      extensions: { type: 'array', items: { type: 'string' } },
    },
    additionalProperties: false,
  },
  async run(args, context) {
    const target = args.dir ?? args.file ?? args._raw_params;
    if (
      target === undefined ||
      [args.dir, args.file, args._raw_params].filter((v) => v !== undefined).length > 1
    ) {
      return {
        changed: false,
        failed: true,
        msg: 'include_vars needs exactly one of: a free-form file, file, dir',
      };
    }
    const path = await findPath(target, context, args.dir !== undefined);
    if (typeof path !== 'string') return path;
    try {
      const files = args.dir !== undefined ? await listVarFiles(path, args) : [path];
      const vars: Vars = {};
      for (const file of files) Object.assign(vars, await readVarsFile(file, context.services.vault));
      return {
        changed: false,
        includedVars: args.name === undefined ? vars : { [args.name]: vars },
        ansible_included_var_files: files,
      };
    } catch (error) {
      return { changed: false, failed: true, msg: errorMessage(error) };
    }
  },
};

async function findPath(
  target: string,
  context: ModuleContext,
  wantDir: boolean,
): Promise<string | ModuleResult> {
  const candidates = isAbsolute(target)
    ? [target]
    : [
        ...new Set(
          [context.baseDir, ...context.searchPaths, join(context.baseDir, 'vars')].map((dir) =>
            resolve(dir, target),
          ),
        ),
      ];
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (info && (wantDir ? info.isDirectory() : info.isFile())) return candidate;
  }
  const kind = wantDir ? 'directory' : 'file';
  return {
    changed: false,
    failed: true,
    msg: `could not find ${kind} '${target}'; searched: ${candidates.join(', ')}`,
  };
}

async function listVarFiles(dir: string, args: IncludeVarsArgs): Promise<string[]> {
  const extensions = new Set((args.extensions ?? DEFAULT_EXTENSIONS).map((ext) => ext.replace(/^\./, '')));
  const matching = args.files_matching === undefined ? undefined : new RegExp(args.files_matching);
  const maxDepth = args.depth ?? 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => {
      const depth = relative(dir, file).split(/[\\/]/).length;
      const name = file.slice(file.lastIndexOf('/') + 1);
      return (
        (maxDepth === 0 || depth <= maxDepth) &&
        extensions.has(extname(file).slice(1)) &&
        (!matching || matching.test(name))
      );
    })
    .sort();
}

async function readVarsFile(file: string, vault: VaultDecrypter | undefined): Promise<Vars> {
  const source = await readYamlFile(file, { allowEmpty: true, vault });
  if (source.value === null) return {};
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new Error(
      `${file}: expected a mapping of variables at the top level, found ${Array.isArray(source.value) ? 'a list' : typeof source.value}`,
    );
  }
  return source.value as Vars;
}

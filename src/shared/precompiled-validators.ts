/**
 * JSON Schema validators compiled at build time (ajv's standalone code), so a process does not
 * pay for compiling them at start: `npm run build` runs scripts/precompile-validators.ts, which
 * writes them beside dist/ as CommonJS (dist/generated/). Running from src/ (tests, `node
 * src/...`) there are none and every validator is compiled on first use, as before.
 *
 * A validator is used only when the schema it was generated from is the one asked for (a
 * fingerprint of its JSON): a module that replaces a built-in one, or a stale build, falls back
 * to compiling. The three option sets are the ones the callers compile with; the generator uses
 * the same constants. ajv itself is loaded only to compile: a run the build's validators serve
 * never evaluates it (it was the largest package the bundle evaluated at start, docs/BENCHMARKS.md).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, Options, SchemaObject, ValidateFunction } from 'ajv';
import type * as AjvModule from 'ajv';

/** Playbook parts (src/load/validate.ts). */
export const LOAD_SCHEMA_OPTIONS: Options = { allErrors: true, allowUnionTypes: true, strict: true };
/** Module arguments as loaded, before templating (src/load/module-args.ts). */
export const LOAD_MODULE_ARGS_OPTIONS: Options = { allErrors: true, allowUnionTypes: true, strict: false };
/** Module arguments as rendered, filling defaults (src/engine/module-args.ts). */
export const ENGINE_MODULE_ARGS_OPTIONS: Options = { allErrors: true, strict: false, useDefaults: true };

/** The sets of generated validators, one file each under dist/generated/. */
export const VALIDATOR_SETS = {
  load: LOAD_SCHEMA_OPTIONS,
  'load-args': LOAD_MODULE_ARGS_OPTIONS,
  'engine-args': ENGINE_MODULE_ARGS_OPTIONS,
} as const;
export type ValidatorSet = keyof typeof VALIDATOR_SETS;

/** What identifies a schema: the hash of its JSON. */
export function schemaFingerprint(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('base64url');
}

/** The generated files' names in their folder. */
export const FINGERPRINTS_FILE = 'fingerprints.json';
export const validatorFile = (set: ValidatorSet): string => `validators-${set}.cjs`;

const require = createRequire(import.meta.url);

function load<T>(file: string): T | null {
  try {
    return require(file) as T;
  } catch {
    return null; // not built (running from src/), or removed: compile instead
  }
}

/** Looks validators up in the generated files of `dir`; see precompiledValidator. */
export function precompiledLookup(
  dir: string,
): (set: ValidatorSet, name: string, schema: unknown) => ValidateFunction | undefined {
  const loaded = new Map<ValidatorSet, Record<string, ValidateFunction> | null>();
  let fingerprints: Record<string, string> | null | undefined;
  return (set, name, schema) => {
    if (fingerprints === undefined) fingerprints = load<Record<string, string>>(join(dir, FINGERPRINTS_FILE));
    const key = `${set}:${name}`;
    if (!fingerprints?.[key] || fingerprints[key] !== schemaFingerprint(schema)) return undefined;
    if (!loaded.has(set)) loaded.set(set, load(join(dir, validatorFile(set))));
    return loaded.get(set)?.[name];
  };
}

/**
 * The generated validator of `name` in `set` when it was generated from `schema`; else undefined
 * (the caller compiles). Built, this module is dist/shared/ and the files are dist/generated/.
 */
export const precompiledValidator = precompiledLookup(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'generated'),
);

/** One ajv per option set, required on first use (ajv is a CommonJS package of ~100 modules). */
const compilers = new Map<ValidatorSet, Ajv>();
/** Each set's validators by the schema object they validate, for the process. */
const validators = new Map<ValidatorSet, WeakMap<SchemaObject, ValidateFunction>>();

/**
 * The validator of `name` in `set` for `schema`: the build's when it was generated from this very
 * schema, else compiled on first use; kept per schema object, so each is looked up once.
 */
export function validatorFor(set: ValidatorSet, name: string, schema: SchemaObject): ValidateFunction {
  let known = validators.get(set);
  if (!known) validators.set(set, (known = new WeakMap()));
  let validate = known.get(schema);
  if (!validate) {
    validate = precompiledValidator(set, name, schema) ?? compile(set, schema);
    known.set(schema, validate);
  }
  return validate;
}

function compile(set: ValidatorSet, schema: SchemaObject): ValidateFunction {
  let ajv = compilers.get(set);
  if (!ajv) {
    const { Ajv: AjvClass } = require('ajv') as typeof AjvModule;
    ajv = new AjvClass(VALIDATOR_SETS[set]);
    compilers.set(set, ajv);
  }
  return ajv.compile(schema);
}

/** Run-time validation of rendered module arguments against each module's JSON Schema. */
import type { SchemaObject, ValidateFunction } from 'ajv';
import { McsyncError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { ModuleDefinition } from '../model/module.ts';
import { validatorFor } from '../shared/precompiled-validators.ts';

export class ModuleArgsError extends McsyncError {}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

/**
 * Ansible converts rendered strings to the argument's declared type (`prune: "{{ x }}"` with
 * `-e x=true` is the boolean true); so does mcsync, for top-level boolean and integer arguments.
 * Anything else that doesn't fit is left for the schema to reject.
 */
function coerceScalars(schema: unknown, args: unknown): void {
  if (!isObject(args) || !isObject(schema) || !isObject(schema['properties'])) return;
  for (const [key, value] of Object.entries(args)) {
    const property = schema['properties'][key];
    if (typeof value !== 'string' || !isObject(property)) continue;
    if (property['type'] === 'boolean' && TRUE.test(value.trim())) args[key] = true;
    else if (property['type'] === 'boolean' && FALSE.test(value.trim())) args[key] = false;
    else if (
      (property['type'] === 'integer' || property['type'] === 'number') &&
      /^-?\d+$/.test(value.trim())
    )
      args[key] = Number(value);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The module's argument validator, the build's precompiled one or compiled on first use, and kept
 * for the process. Watch mode calls it for every module before it reports ready, so no run pays
 * for compiling a schema.
 */
export function compileModuleArgs(module: ModuleDefinition): ValidateFunction {
  return validatorFor('engine-args', module.name, module.argsSchema as SchemaObject);
}

/**
 * Converts string scalars where the schema wants booleans or integers (in place), then validates;
 * throws ModuleArgsError naming the module and the offending argument.
 */
export function validateModuleArgs(module: ModuleDefinition, args: unknown, location: SourceLocation): void {
  coerceScalars(module.argsSchema, args);
  const validate = compileModuleArgs(module);
  if (validate(args)) return;
  const problems = (validate.errors ?? []).map((error) => {
    const key = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (error.keyword === 'additionalProperties') {
      return `unsupported argument '${String(error.params['additionalProperty'])}'`;
    }
    return `${key ? `'${key}' ` : ''}${error.message ?? 'is invalid'}`;
  });
  throw new ModuleArgsError(`invalid arguments for module '${module.name}': ${problems.join('; ')}`, {
    location,
    key: module.name,
  });
}

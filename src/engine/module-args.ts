/** Run-time validation of rendered module arguments against each module's JSON Schema. */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { McsyncError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { ModuleDefinition } from '../model/module.ts';

export class ModuleArgsError extends McsyncError {}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const compiled = new WeakMap<ModuleDefinition, ValidateFunction>();

/** Throws ModuleArgsError naming the module and the offending argument. */
export function validateModuleArgs(module: ModuleDefinition, args: unknown, location: SourceLocation): void {
  let validate = compiled.get(module);
  if (!validate) {
    validate = ajv.compile(module.argsSchema);
    compiled.set(module, validate);
  }
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

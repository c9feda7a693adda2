/**
 * Schema validation of playbook parts. Validators are compiled on first use (no work at import
 * time) and then reused for every file of the run.
 */
import { Ajv } from 'ajv';
import type { SchemaObject, ValidateFunction } from 'ajv';
import type { LoadError } from '../errors.ts';
import { friendlyErrors } from './friendly-errors.ts';
import type { ErrorScope } from './friendly-errors.ts';
import {
  blockSchema,
  handlerSchema,
  importPlaybookSchema,
  includeSchema,
  playbookSchema,
  playSchema,
  roleMetaSchema,
  taskSchema,
  tasksFileSchema,
  varsSchema,
} from './schemas.ts';

const SCHEMAS = {
  playbook: playbookSchema,
  play: playSchema,
  import_playbook: importPlaybookSchema,
  task: taskSchema,
  handler: handlerSchema,
  include: includeSchema,
  block: blockSchema,
  tasks_file: tasksFileSchema,
  role_meta: roleMetaSchema,
  vars: varsSchema,
} satisfies Record<string, SchemaObject>;

/** The parts of a playbook that have a schema. */
export type SchemaKind = keyof typeof SCHEMAS;

let ajv: Ajv | undefined;
const compiled = new Map<SchemaKind, ValidateFunction>();

function validator(kind: SchemaKind): ValidateFunction {
  let fn = compiled.get(kind);
  if (fn === undefined) {
    ajv ??= new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
    fn = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, fn);
  }
  return fn;
}

/** Validates `value` against the schema of `kind`; returns friendly LoadErrors (empty when valid). */
export function validateAs(kind: SchemaKind, value: unknown, scope: ErrorScope): LoadError[] {
  const fn = validator(kind);
  if (fn(value)) return [];
  return friendlyErrors(fn.errors ?? [], value, scope);
}

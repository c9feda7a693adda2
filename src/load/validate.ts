/**
 * Schema validation of playbook parts. Validators are the build's precompiled ones, or compiled
 * on first use (no work at import time), and then reused for every file of the run.
 */
import type { SchemaObject } from 'ajv';
import type { LoadError } from '../errors.ts';
import { validatorFor } from '../shared/precompiled-validators.ts';
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

/** Every playbook part's schema, by kind (scripts/precompile-validators.ts compiles them at build). */
export const LOAD_SCHEMAS = {
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
export type SchemaKind = keyof typeof LOAD_SCHEMAS;

/** Validates `value` against the schema of `kind`; returns friendly LoadErrors (empty when valid). */
export function validateAs(kind: SchemaKind, value: unknown, scope: ErrorScope): LoadError[] {
  const fn = validatorFor('load', kind, LOAD_SCHEMAS[kind]);
  if (fn(value)) return [];
  return friendlyErrors(fn.errors ?? [], value, scope);
}

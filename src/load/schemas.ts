/**
 * JSON Schemas of the playbook language. They check the shape and types of keywords; keys that
 * are not keywords of a task (module names, includes) are classified by the task loader, which
 * knows the module registry. Unknown keys of plays, blocks and the rest are `additionalProperties`
 * errors that the friendly-error layer turns into "did you mean" messages.
 */
import type { SchemaObject } from 'ajv';
import {
  BLOCK_KEYWORDS,
  HANDLER_KEYWORDS,
  INCLUDE_KEYWORDS,
  PLAY_KEYWORDS,
  ROLE_ENTRY_KEYWORDS,
  TASK_KEYWORDS,
} from './keywords.ts';

/** A variable name: letters, digits and `_`, not starting with a digit. */
export const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]*$';

const identifier = { type: 'string', pattern: IDENTIFIER };
const condition = { type: ['string', 'boolean'] };
const conditions = { type: ['string', 'boolean', 'array'], items: condition };
const stringOrList = { type: ['string', 'array'], items: { type: 'string' } };
const tags = { type: ['string', 'number', 'array'], items: { type: ['string', 'number'] } };
const vars = { type: ['object', 'null'], propertyNames: { pattern: IDENTIFIER } };
const taskList = { type: ['array', 'null'] };
/** Values become strings in the process environment; lists and mappings have no such form. */
const environmentValue = { type: ['string', 'number', 'boolean', 'null'] };
/** `environment:` is a mapping, a template that renders to one, or a list of those (as in Ansible). */
const environment = {
  type: ['object', 'string', 'array', 'null'],
  additionalProperties: environmentValue,
  items: { type: ['object', 'string', 'null'], additionalProperties: environmentValue },
};

/** A vars file, `vars:` section, role defaults or role vars: a mapping of variable names. */
export const varsSchema: SchemaObject = vars;

const commonProperties = {
  name: { type: 'string' },
  when: conditions,
  tags,
  vars,
  ignore_errors: condition,
  run_once: { type: 'boolean' },
  delegate_to: { type: 'string' },
  no_log: condition,
  check_mode: condition,
  environment,
};

const loopControl = {
  type: 'object',
  properties: {
    loop_var: identifier,
    label: { type: 'string' },
    index_var: identifier,
    pause: { type: 'number', minimum: 0 },
  },
  additionalProperties: false,
};

const loopProperties = {
  loop: { type: ['array', 'string'] },
  with_items: { type: ['array', 'string'] },
  with_list: { type: ['array', 'string'] },
  with_dict: { type: ['object', 'string'] },
  with_subelements: { type: 'array', minItems: 2, maxItems: 3 },
  loop_control: loopControl,
};

const taskProperties = {
  ...commonProperties,
  ...loopProperties,
  register: identifier,
  failed_when: conditions,
  changed_when: conditions,
  until: conditions,
  retries: { type: 'integer', minimum: 0 },
  delay: { type: 'number', minimum: 0 },
  notify: stringOrList,
  args: { type: 'object' },
};

/** A task that calls a module; module keys are `additionalProperties`, classified by the loader. */
export const taskSchema: SchemaObject = { type: 'object', properties: pick(taskProperties, TASK_KEYWORDS) };

/** A handler: a task that may also `listen` to topics. */
export const handlerSchema: SchemaObject = {
  type: 'object',
  properties: pick({ ...taskProperties, listen: stringOrList }, HANDLER_KEYWORDS),
};

/** An `include_*`/`import_*` entry; the include key itself is checked by the include loader. */
export const includeSchema: SchemaObject = {
  type: 'object',
  properties: pick({ ...commonProperties, ...loopProperties }, INCLUDE_KEYWORDS),
};

/** A block: tasks under `block`, optional `rescue`/`always`, and the common keywords. */
export const blockSchema: SchemaObject = {
  type: 'object',
  properties: pick(
    { ...commonProperties, block: { type: 'array' }, rescue: taskList, always: taskList },
    BLOCK_KEYWORDS,
  ),
  additionalProperties: false,
};

const roleEntry = {
  type: ['string', 'object'],
  properties: pick(
    { ...commonProperties, role: { type: 'string' }, name: { type: 'string' } },
    ROLE_ENTRY_KEYWORDS,
  ),
};

/** A play. `hosts` is required; `import_playbook` entries are told apart before this applies. */
export const playSchema: SchemaObject = {
  type: 'object',
  required: ['hosts'],
  properties: pick(
    {
      name: { type: 'string' },
      hosts: { type: ['string', 'array'], items: { type: 'string' }, minLength: 1, minItems: 1 },
      vars,
      vars_files: { type: ['array', 'null'], items: stringOrList },
      roles: { type: ['array', 'null'], items: roleEntry },
      pre_tasks: taskList,
      tasks: taskList,
      post_tasks: taskList,
      handlers: taskList,
      serial: { type: ['integer', 'string'], minimum: 1, pattern: '^(\\d+%?|.*\\{\\{.*)$' },
      any_errors_fatal: { type: 'boolean' },
      max_fail_percentage: { type: 'number', minimum: 0, maximum: 100 },
      gather_facts: { type: 'boolean' },
      tags,
      check_mode: { type: 'boolean' },
      environment,
    },
    PLAY_KEYWORDS,
  ),
  additionalProperties: false,
};

/** An `import_playbook` entry at the top level of a playbook. */
export const importPlaybookSchema: SchemaObject = {
  type: 'object',
  required: ['import_playbook'],
  properties: { import_playbook: { type: 'string', minLength: 1 }, name: { type: 'string' } },
  additionalProperties: false,
};

/** A playbook: a list of plays (and `import_playbook` entries). */
export const playbookSchema: SchemaObject = { type: 'array' };

/** A tasks file: a list of tasks. */
export const tasksFileSchema: SchemaObject = { type: ['array', 'null'] };

/**
 * A role's meta/main.yml: `dependencies` and `allow_duplicates` act; `galaxy_info` is a documented
 * no-op (NO_OP_KEYWORDS); any other key (`argument_specs`, `collections`) is an error.
 */
export const roleMetaSchema: SchemaObject = {
  type: ['object', 'null'],
  properties: {
    dependencies: { type: ['array', 'null'], items: roleEntry },
    allow_duplicates: { type: 'boolean' },
    galaxy_info: { type: ['object', 'null'] },
  },
  additionalProperties: false,
};

function pick(properties: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, properties[key] ?? {}]));
}

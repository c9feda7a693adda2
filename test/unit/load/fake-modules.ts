/**
 * A small module registry for loader tests: enough real-looking definitions (names, aliases,
 * free-form flags, argument schemas) to exercise module resolution and argument validation.
 */
import type { ModuleDefinition, ModuleRegistry } from '../../../src/model/module.ts';

function define(
  name: string,
  argsSchema: Record<string, unknown>,
  extra: Partial<ModuleDefinition> = {},
): ModuleDefinition {
  return {
    name,
    argsSchema,
    supportsCheckMode: true,
    description: `${name} (test double)`,
    run: () => Promise.resolve({}),
    ...extra,
  };
}

const DEFINITIONS: ModuleDefinition[] = [
  define(
    'debug',
    {
      type: 'object',
      properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer' } },
      additionalProperties: false,
    },
    { aliases: ['ansible.builtin.debug'] },
  ),
  define('set_fact', { type: 'object' }),
  define(
    'command',
    {
      type: 'object',
      properties: {
        _raw_params: { type: 'string' },
        argv: { type: 'array', items: { type: 'string' } },
        chdir: { type: 'string' },
      },
      additionalProperties: false,
    },
    { freeForm: true },
  ),
  define(
    'shell',
    {
      type: 'object',
      properties: { _raw_params: { type: 'string' }, chdir: { type: 'string' } },
      additionalProperties: false,
    },
    { freeForm: true },
  ),
  define('assert', {
    type: 'object',
    required: ['that'],
    properties: {
      that: { type: ['string', 'array'] },
      fail_msg: { type: 'string' },
      success_msg: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    additionalProperties: false,
  }),
  define('fail', { type: 'object', properties: { msg: { type: 'string' } }, additionalProperties: false }),
  define(
    'include_vars',
    {
      type: 'object',
      properties: { _raw_params: { type: 'string' }, file: { type: 'string' }, name: { type: 'string' } },
      additionalProperties: false,
    },
    { freeForm: true },
  ),
  define(
    'k8s',
    {
      type: 'object',
      properties: {
        state: { enum: ['present', 'absent'] },
        definition: { type: 'object' },
        src: { type: 'string' },
        namespace: { type: 'string' },
        kind: { type: 'string' },
        name: { type: 'string' },
        wait: {
          type: 'object',
          properties: { timeout: { type: 'integer' }, condition: { type: 'string' } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    { aliases: ['kubernetes.core.k8s'], supportsCheckMode: true },
  ),
  define('k8s_sync', {
    type: 'object',
    properties: {
      kind: { type: 'string' },
      name: { type: 'string' },
      namespace: { type: 'string' },
      source: { type: 'string' },
    },
    additionalProperties: false,
  }),
];

/** A registry over the test modules, resolving aliases to canonical names. */
export function fakeRegistry(): ModuleRegistry {
  const byName = new Map<string, ModuleDefinition>();
  for (const definition of DEFINITIONS) {
    byName.set(definition.name, definition);
    for (const alias of definition.aliases ?? []) byName.set(alias, definition);
  }
  return {
    get: (name) => byName.get(name),
    names: () => DEFINITIONS.map((d) => d.name),
  };
}

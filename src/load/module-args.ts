/**
 * Module arguments: resolving a task key to a module, turning the written value into an argument
 * mapping (free-form strings, `key=value` strings, the `args:` keyword) and validating literal
 * arguments against the module's own schema. Templated arguments wait for run time.
 */
import type { SchemaObject } from 'ajv';
import type { ModuleDefinition, ModuleRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import { validatorFor } from '../shared/precompiled-validators.ts';
import { friendlyErrors, typeOf } from './friendly-errors.ts';
import { isMapping, isTemplated, report, reportKey } from './load-context.ts';
import type { TaskScope } from './load-context.ts';
import type { YamlPath } from '../shared/yaml-source.ts';

const FQCN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** Looks a task key up in the registry; `ansible.builtin.x` falls back to `x`. */
export function resolveModule(registry: ModuleRegistry, key: string): ModuleDefinition | undefined {
  const direct = registry.get(key);
  if (direct) return direct;
  const prefix = FQCN_PREFIXES.find((p) => key.startsWith(p));
  return prefix === undefined ? undefined : registry.get(key.slice(prefix.length));
}

/**
 * The arguments of a module task, or undefined after reporting an error. `path` is the task's
 * path; `key` the module key as written.
 */
export function moduleArgs(
  scope: TaskScope,
  module: ModuleDefinition,
  raw: Record<string, unknown>,
  path: YamlPath,
  key: string,
): Vars | undefined {
  const written = raw[key];
  let args: Vars;
  if (written === null || written === undefined) args = {};
  else if (isMapping(written)) args = { ...written };
  else if (typeof written === 'string' && module.freeForm) args = { _raw_params: written };
  else if (typeof written === 'string') {
    const parsed = parseKeyValues(written);
    if (parsed === undefined) {
      const message = `module '${module.name}' takes a mapping of arguments, not a free-form string (write '${key}: {${Object.keys(properties(module.argsSchema))[0] ?? 'arg'}: ...}')`;
      report(scope.run, scope.source, [...path, key], message, key);
      return undefined;
    }
    args = parsed;
  } else {
    report(
      scope.run,
      scope.source,
      [...path, key],
      `arguments of module '${module.name}' must be a mapping, got ${typeOf(written)}`,
      key,
    );
    return undefined;
  }
  const extra = isMapping(raw['args']) ? raw['args'] : {};
  const merged: Vars = { ...extra, ...args };
  const base = isMapping(written) || !isMapping(raw['args']) ? [...path, key] : [...path, 'args'];
  return validateModuleArgs(scope, module, merged, base) ? merged : undefined;
}

/**
 * Validates literal arguments against the module's schema. With templates anywhere only the
 * argument names are checked (values are known at run time). Returns whether they are valid.
 */
export function validateModuleArgs(
  scope: TaskScope,
  module: ModuleDefinition,
  args: Vars,
  base: YamlPath,
): boolean {
  const schema = module.argsSchema as SchemaObject;
  const names = Object.keys(properties(schema));
  if (isTemplated(args)) {
    if (schema['additionalProperties'] !== false || schema['patternProperties'] !== undefined) return true;
    const unknown = Object.keys(args).filter((name) => !names.includes(name));
    for (const name of unknown) {
      const message = `unknown argument '${name}' in module '${module.name}'${didYouMean(name, names)}`;
      reportKey(scope.run, scope.source, [...base, name], message, `${module.name}.${name}`);
    }
    return unknown.length === 0;
  }
  const validate = validatorFor('load-args', module.name, schema);
  if (validate(args)) return true;
  const errors = friendlyErrors(validate.errors ?? [], args, {
    source: scope.source,
    path: base,
    noun: `module '${module.name}'`,
    candidates: names,
    keyPrefix: `${module.name}.`,
    term: 'argument',
    labelFor: (relKey) => `argument '${relKey}' of module '${module.name}'`,
    nestedCandidates: (rel) => Object.keys(properties(schemaAt(schema, rel))),
  });
  scope.run.errors.push(...errors);
  return errors.length === 0;
}

function properties(schema: unknown): Record<string, unknown> {
  if (!isMapping(schema)) return {};
  const props = schema['properties'];
  return isMapping(props) ? props : {};
}

/** The sub-schema at a path of property names and list indexes (best effort). */
function schemaAt(schema: unknown, rel: YamlPath): unknown {
  let node = schema;
  for (const segment of rel) {
    if (!isMapping(node)) return undefined;
    node = typeof segment === 'number' ? node['items'] : properties(node)[segment];
  }
  return node;
}

/** An unquoted `k=v` value is a number or boolean when it looks like one; quoted stays a string. */
function scalar(text: string): unknown {
  const quoted = /^"(.*)"$/s.exec(text) ?? /^'(.*)'$/s.exec(text);
  if (quoted) return quoted[1];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * Ansible's `key=value key2="quoted value"` shorthand. Undefined when any word is not `k=v`.
 */
export function parseKeyValues(text: string): Vars | undefined {
  const out: Vars = {};
  const words = text.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  if (words.length === 0) return undefined;
  for (const word of words) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (!match) return undefined;
    const [, name, rawValue] = match as unknown as [string, string, string];
    out[name] = scalar(rawValue);
  }
  return out;
}

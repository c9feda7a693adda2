/**
 * Turns ajv's errors into LoadErrors a user can act on: the key, what was expected, what was
 * found, and for a misspelt key the nearest valid one. One error per offending key.
 */
import type { ErrorObject } from 'ajv';
import { LoadError } from '../errors.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import { isUnsupported, unsupportedMessage } from './keywords.ts';

/** Where the validated value sits and how to talk about it. */
export interface ErrorScope {
  source: YamlSource;
  /** Path of the validated value inside the file. */
  path: YamlPath;
  /** What the value is, for messages: `task`, `play`, `block`, `module 'debug'`... */
  noun: string;
  /** Valid keys, for did-you-mean on unknown ones. */
  candidates: readonly string[];
  /** Prefix for `key` and messages (e.g. `debug.` for module arguments). */
  keyPrefix?: string;
  /** What unknown keys are called in messages: `keyword` (default) or `argument`. */
  term?: string;
  /** How a nested key is named in messages (default `'key'`). */
  labelFor?: (relKey: string) => string;
  /** Valid keys of a nested mapping at `rel` (defaults to the known nested keyword sets). */
  nestedCandidates?: (rel: YamlPath) => readonly string[];
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

/** "a string", "a mapping"... for a JSON Schema type name. */
export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

/** The JSON Schema type name of a plain value, as users know it. */
export function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** "a string, a boolean or a list". */
export function expectedTypes(types: readonly string[]): string {
  const names = types.map(typeName);
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}

/** Maps ajv errors for the value at `scope.path` to LoadErrors (one per offending key). */
export function friendlyErrors(
  errors: readonly ErrorObject[],
  value: unknown,
  scope: ErrorScope,
): LoadError[] {
  const out: LoadError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const described = describe(error, value, scope);
    if (described === undefined) continue;
    const id = `${described.key}\0${described.message}`;
    if (seen.has(id) || seen.has(`${described.key}\0`)) continue;
    seen.add(id);
    seen.add(`${described.key}\0`);
    const key = described.key === '' ? undefined : described.key;
    out.push(new LoadError(described.message, { location: described.location, key }));
  }
  return out;
}

interface Described {
  message: string;
  key: string;
  location: LoadError['location'];
}

interface Context {
  error: ErrorObject;
  scope: ErrorScope;
  rel: YamlPath;
  path: YamlPath;
  label: string;
  value: unknown;
  keyOf: (segments: YamlPath) => string;
}

function describe(error: ErrorObject, root: unknown, scope: ErrorScope): Described | undefined {
  const rel = pointerToPath(error.instancePath);
  const relKey = rel.join('.');
  const label = rel.length === 0 ? scope.noun : scope.labelFor ? scope.labelFor(relKey) : `'${relKey}'`;
  const context: Context = {
    error,
    scope,
    rel,
    path: [...scope.path, ...rel],
    label,
    value: valueAt(root, rel),
    keyOf: (segments) => `${scope.keyPrefix ?? ''}${segments.join('.')}`,
  };
  return describeKey(context) ?? describeValue(context);
}

/** Errors about keys: unknown, missing, badly named. */
function describeKey(c: Context): Described | undefined {
  const { error, scope, rel, path, label } = c;
  if (error.keyword === 'additionalProperties') {
    const extra = String(error.params['additionalProperty']);
    const message = isUnsupported(extra)
      ? unsupportedMessage(extra, label)
      : `unknown ${scope.term ?? 'keyword'} '${extra}' in ${label}${didYouMean(extra, candidatesAt(scope, rel))}`;
    return { message, key: c.keyOf([...rel, extra]), location: scope.source.locateKey([...path, extra]) };
  }
  if (error.keyword === 'required') {
    const missing = String(error.params['missingProperty']);
    return {
      message: `${label} needs '${missing}'`,
      key: c.keyOf([...rel, missing]),
      location: scope.source.locate(path),
    };
  }
  if (error.keyword === 'propertyNames') {
    const name = String(error.params['propertyName']);
    const message = `invalid variable name '${name}' in ${label}; use letters, digits and _ (not starting with a digit)`;
    return { message, key: c.keyOf([...rel, name]), location: scope.source.locateKey([...path, name]) };
  }
  return undefined;
}

/** Errors about a value: its type, pattern, allowed values, size. */
function describeValue(c: Context): Described | undefined {
  const { error, label, value } = c;
  const at = (message: string): Described => ({
    message,
    key: c.keyOf(c.rel),
    location: c.scope.source.locate(c.path),
  });
  switch (error.keyword) {
    case 'type': {
      const types = ([] as string[]).concat(error.params['type'] as string | string[]);
      return at(`${label} must be ${expectedTypes(types)}, got ${typeOf(value)}`);
    }
    case 'pattern':
      return error.propertyName === undefined ? at(`${label} ${patternMessage(error, value)}`) : undefined;
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map(String);
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return at(`${label} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}${hint}`);
    }
    case 'minItems':
    case 'minLength':
      return at(
        error.params['limit'] === 1
          ? `${label} must not be empty`
          : `${label} ${error.message ?? 'is too short'}`,
      );
    default:
      return at(`${label} ${error.message ?? 'is invalid'}, got ${JSON.stringify(value)}`);
  }
}

function patternMessage(error: ErrorObject, value: unknown): string {
  const pattern = String(error.params['pattern']);
  if (pattern.startsWith('^[A-Za-z_]')) {
    return `must be a valid variable name (letters, digits and _, not starting with a digit), got ${JSON.stringify(value)}`;
  }
  if (pattern.includes('%')) {
    return `must be a number of hosts, a percentage like "30%" or a template, got ${JSON.stringify(value)}`;
  }
  return `must match ${pattern}, got ${JSON.stringify(value)}`;
}

/** Valid keys at a nested path: the scope's candidates at the top, the schema's otherwise. */
function candidatesAt(scope: ErrorScope, rel: YamlPath): readonly string[] {
  if (rel.length === 0) return scope.candidates;
  if (scope.nestedCandidates) return scope.nestedCandidates(rel);
  const nested = NESTED_CANDIDATES[String(rel[rel.length - 1])];
  return nested ?? [];
}

const NESTED_CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  loop_control: ['loop_var', 'label', 'index_var', 'pause'],
};

/** Converts a JSON pointer (`/a/0/b`) to a YAML path (`['a', 0, 'b']`). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

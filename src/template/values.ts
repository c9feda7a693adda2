/**
 * Value conventions shared by the renderer and the helpers: how a value prints inside a string,
 * what counts as true, and how loosely typed inventory values become numbers.
 */
import { TemplateError } from '../errors.ts';

/** True for `{}`-style objects (not arrays, dates, buffers or class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * How a value prints inside a larger string: booleans and numbers as YAML would (`true`, `3`),
 * null/undefined as nothing, dates as ISO 8601, lists and mappings as compact JSON.
 */
export function stringify(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value) ?? '';
    default:
      return String(value);
  }
}

/**
 * Truthiness as Ansible (Python) sees it: false, null, 0, '', [] and {} are false; everything
 * else, including the string 'false', is true. Conditions use `toBoolean` instead.
 */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Short, quoted description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  const text = stringify(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return value === null ? 'null' : `${typeName(value)} ${shown}`;
}

/** The user-facing type name of a value: string, number, boolean, list, mapping, null. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (isPlainObject(value)) return 'mapping';
  return typeof value;
}

/** A number from a number or a numeric string (inventory values are often strings); else an error. */
export function toNumber(value: unknown, helper: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TemplateError(`${helper}: expected a number, got ${describeValue(value)}`);
}

/** A string from a string, number or boolean; lists and mappings are rejected with `helper` named. */
export function toText(value: unknown, helper: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  throw new TemplateError(`${helper}: expected a string, got ${describeValue(value)}`);
}

/** Deep merge of mappings: later sources win, nested mappings merge, lists and scalars replace. */
export function deepMerge(...sources: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    if (source === undefined || source === null) continue;
    if (!isPlainObject(source))
      throw new TemplateError(`merge: expected mappings, got ${describeValue(source)}`);
    for (const [key, value] of Object.entries(source)) {
      const current = out[key];
      setKey(out, key, isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value);
    }
  }
  return out;
}

/** Sets an own key, even `__proto__`, without touching the object's prototype. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
